import Foundation
import XCTest
@testable import Core
@testable import Formats

/// The XML reader on its own: each construct it accepts, and each error with its line.
final class XMLEventReaderTests: XCTestCase {
    /// A compact rendering of the events: `<name a=v>`, `</name>`, `"text"` (adjacent text merged).
    private func events(_ xml: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        var reader = try XMLEventReader(Data(xml.utf8), path: "t.xml")
        var result: [String] = []
        while true {
            switch try reader.next() {
            case .startElement(let element):
                let attributes = element.attributes.map { " \($0.qualifiedName)=\($0.value)" }.joined()
                result.append("<\(element.qualifiedName)\(attributes)>")
            case .endElement(let name, _, _):
                result.append("</\(name)>")
            case .text(let text):
                if let last = result.last, last.hasPrefix("\"") {
                    result[result.count - 1] = "\"" + last.dropFirst().dropLast() + text + "\""
                } else {
                    result.append("\"\(text)\"")
                }
            case .endOfDocument:
                // Further calls keep saying so.
                XCTAssertEqual(try reader.next(), .endOfDocument, file: file, line: line)
                return result
            }
        }
    }

    /// The first element event of `xml`.
    private func firstElement(_ xml: String) throws -> XMLEventReader.Element {
        var reader = try XMLEventReader(Data(xml.utf8), path: "t.xml")
        while true {
            switch try reader.next() {
            case .startElement(let element): return element
            case .endOfDocument: throw XCTSkip("no element")
            default: continue
            }
        }
    }

    /// Reads `xml` to the end, expecting `malformedRecord` at `line` whose reason is `malformed XML (<reason>)`.
    private func assertError(_ xml: String, line expectedLine: Int, _ expectedReason: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try events(xml, file: file, line: line)
            XCTFail("expected an error for \(xml.debugDescription)", file: file, line: line)
        } catch PaperSearchError.malformedRecord(let path, let errorLine, let reason) {
            XCTAssertEqual(path, "t.xml", file: file, line: line)
            XCTAssertEqual(errorLine, expectedLine, "line for \(xml.debugDescription)", file: file, line: line)
            XCTAssertEqual(reason, "malformed XML (\(expectedReason))", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    // MARK: - Accepted constructs

    func testElementsAttributesAndText() throws {
        XCTAssertEqual(try events(#"<a x="1" y='two'>hi <b/> there<c></c></a>"#),
                       [#"<a x=1 y=two>"#, #""hi ""#, "<b>", "</b>", #"" there""#, "<c>", "</c>", "</a>"])
        XCTAssertEqual(try events("<a\n  x = \"1\"\n></a >"), ["<a x=1>", "</a>"])
    }

    func testDeclarationCommentsProcessingInstructionsAndDoctype() throws {
        let xml = """
        \u{FEFF}<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <!-- before -->
        <?xml-stylesheet href="a.xsl"?>
        <!DOCTYPE feed PUBLIC "-//X//Y" "http://example.org/feed.dtd">
        <feed><!-- inside --><?pi data?>text<!----></feed>
        <!-- after --> <?after?>\n
        """
        XCTAssertEqual(try events(xml), ["<feed>", #""text""#, "</feed>"])
        XCTAssertEqual(try events("<!DOCTYPE a><a/>"), ["<a>", "</a>"])
        XCTAssertEqual(try events(#"<!DOCTYPE a SYSTEM 'a.dtd' ><a/>"#), ["<a>", "</a>"])
        XCTAssertEqual(try events("<?xml version='1.1'?><a/>"), ["<a>", "</a>"])
    }

    func testCDATAIsLiteral() throws {
        XCTAssertEqual(try events("<a>x<![CDATA[<b>&amp; ]] ]>]]>y<![CDATA[]]></a>"), ["<a>", #""x<b>&amp; ]] ]>y""#, "</a>"])
    }

    func testPredefinedEntitiesAndCharacterReferences() throws {
        XCTAssertEqual(try events("<a>&lt;&gt;&amp;&apos;&quot; &#65;&#x42;&#x1F600;&#xe9;</a>"),
                       ["<a>", "\"<>&'\" AB\u{1F600}é\"", "</a>"])
        XCTAssertEqual(try events(#"<a t="&lt;&#x20;&amp;&quot;"/>"#), [#"<a t=< &">"#, "</a>"])
    }

    func testAttributeWhitespaceAndLineEndsAreNormalized() throws {
        let element = try firstElement("<a t=\"x\ty\r\nz\"/>")
        XCTAssertEqual(element.attribute("t"), "x y z")
        // Character references are not normalized; CR LF in text becomes LF.
        XCTAssertEqual(try firstElement(#"<a t="x&#9;y"/>"#).attribute("t"), "x\ty")
        XCTAssertEqual(try events("<a>1\r\n2\r3</a>"), ["<a>", "\"1\n2\n3\"", "</a>"])
    }

    func testNamespacesAreResolved() throws {
        let xml = """
        <f:feed xmlns:f="urn:feed" xmlns="urn:default"><entry f:term="x" term="y" xml:lang="en"/></f:feed>
        """
        var reader = try XMLEventReader(Data(xml.utf8), path: "t.xml")
        guard case .startElement(let feed) = try reader.next(), case .startElement(let entry) = try reader.next() else {
            return XCTFail("expected two start tags")
        }
        XCTAssertEqual(feed.localName, "feed")
        XCTAssertEqual(feed.prefix, "f")
        XCTAssertEqual(feed.namespaceURI, "urn:feed")
        XCTAssertEqual(entry.localName, "entry")
        XCTAssertNil(entry.prefix)
        XCTAssertEqual(entry.namespaceURI, "urn:default")
        // The unprefixed attribute wins over a prefixed one with the same local name.
        XCTAssertEqual(entry.attribute("term"), "y")
        XCTAssertEqual(entry.attribute("lang"), "en")
        XCTAssertEqual(entry.attributes.map(\.qualifiedName), ["f:term", "term", "xml:lang"])
        XCTAssertEqual(entry.line, 1)
        XCTAssertEqual(try reader.next(), .endElement(qualifiedName: "entry", localName: "entry", line: 1))
        XCTAssertNil(try firstElement("<a/>").namespaceURI)
    }

    func testElementLinesAndNonASCIINames() throws {
        var reader = try XMLEventReader(Data("<a>\n\n  <é·x/>\r\n<b\n/></a>".utf8), path: "t.xml")
        var lines: [String: Int] = [:]
        while case let event = try reader.next(), event != .endOfDocument {
            if case .startElement(let element) = event {
                lines[element.qualifiedName] = element.line
            }
        }
        XCTAssertEqual(lines, ["a": 1, "é·x": 3, "b": 4])
    }

    func testDeepNestingUpToTheLimit() throws {
        let depth = XMLEventReader.maxDepth
        let xml = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        XCTAssertEqual(try events(xml).count, 2 * depth)
        assertError(String(repeating: "<a>", count: depth + 1), line: 1, "elements nested deeper than \(depth) levels")
    }

    // MARK: - Errors, each with its line

    func testTagMismatchAndUnclosedElements() {
        assertError("<feed>\n  <entry>\n    <title>T\n  </entry>\n</feed>", line: 4,
                    "closing tag </entry> does not match <title> opened on line 3")
        assertError("<feed>\n<entry>\n", line: 3, "document ends inside <entry> opened on line 2")
        assertError("<a></a>\n</b>", line: 2, "closing tag </b> without a matching opening tag")
        assertError("<a>\n<b", line: 2, "document ends inside the tag <b> opened on line 2")
        assertError("<a></a", line: 1, "document ends inside the closing tag </a>")
        assertError("<a></a x>", line: 1, "expected '>' to end the closing tag </a>")
    }

    func testAttributeErrors() {
        assertError("<a\nx='1' x=\"2\"/>", line: 2, "attribute 'x' given twice in <a>")
        assertError("<a xmlns:p='u' xmlns:q='u' p:x='1'\n q:x='2'/>", line: 2,
                    "attributes 'p:x' and 'q:x' of <a> have the same namespace and local name")
        assertError("<a x=1/>", line: 1, "value of attribute 'x' in <a> is not quoted")
        assertError("<a x/>", line: 1, "attribute 'x' of <a> has no '=' and value")
        assertError("<a x='1'y='2'/>", line: 1, "expected whitespace, '>' or '/>' in the tag <a>")
        assertError("<a x='<'/>", line: 1, "'<' in the value of attribute 'x' (write &lt;)")
        assertError("<a x='1\n", line: 2, "document ends inside the value of attribute 'x' (started on line 1)")
        assertError("<a / >", line: 1, "'/' not followed by '>' in the tag <a>")
    }

    func testReferenceErrors() {
        assertError("<a>\n&nbsp;</a>", line: 2,
                    "undefined entity '&nbsp;' (only &lt; &gt; &amp; &apos; &quot; and character references are accepted)")
        assertError("<a>fish & chips</a>", line: 1, "'&' not starting a reference (write &amp;)")
        assertError("<a x='a&b'/>", line: 1, "entity reference '&b' without ';'")
        assertError("<a>&#0;</a>", line: 1, "character reference '&#0;' is not a character XML allows")
        assertError("<a>&#xD800;</a>", line: 1, "character reference '&#xD800;' is not a character XML allows")
        assertError("<a>&#x110000;</a>", line: 1, "character reference '&#x110000;' is not a character XML allows")
        assertError("<a>&#99999999999999999999;</a>", line: 1,
                    "character reference '&#99999999999999999999;' is not a character XML allows")
        assertError("<a>&#x;</a>", line: 1, "malformed character reference '&#x;', expected &#DIGITS; or &#xHEX;")
        assertError("<a>&#12a;</a>", line: 1, "malformed character reference '&#12a', expected &#DIGITS; or &#xHEX;")
    }

    func testDoctypeWithInternalSubsetIsRefused() {
        let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        ]>
        <lolz>&lol2;</lolz>
        """
        assertError(billionLaughs, line: 2,
                    "DOCTYPE <!DOCTYPE lolz [...]> has an internal subset; entity and other declarations are not accepted")
        assertError("<a/>\n<!DOCTYPE a>", line: 2, "DOCTYPE after the root element")
        assertError("<!DOCTYPE a>\n<!DOCTYPE a><a/>", line: 2, "second DOCTYPE")
        assertError("<!DOCTYPE a SYSTEM>", line: 1, "expected whitespace before the system id in the DOCTYPE")
    }

    func testCommentCDATAAndProcessingInstructionErrors() {
        assertError("<a>\n<!-- a -- b --></a>", line: 2, "'--' inside a comment (started on line 2)")
        assertError("<a><!-- never\n closed</a>", line: 2, "comment started on line 1 is not closed with '-->'")
        assertError("<a>\n<![CDATA[ open", line: 2, "CDATA section started on line 2 is not closed with ']]>'")
        assertError("<![CDATA[x]]><a/>", line: 1, "CDATA section outside the root element")
        assertError("<a>x ]]> y</a>", line: 1, "']]>' in text (it may only end a CDATA section; write ]]&gt;)")
        assertError("<a><?pi never closed</a>", line: 1, "processing instruction started on line 1 is not closed with '?>'")
        assertError("<a><!ELEMENT a></a>", line: 1, "'<!' that starts no comment, CDATA section or DOCTYPE")
        assertError("<a>< b/></a>", line: 1, "expected element name after '<' (write &lt; for a literal '<')")
    }

    func testXMLDeclarationErrors() {
        assertError("\n<?xml version='1.0'?><a/>", line: 2, "XML declaration '<?xml …?>' not at the very start of the document")
        assertError("<?xml encoding='UTF-8'?><a/>", line: 1, "XML declaration without version")
        assertError("<?xml version='2.0'?><a/>", line: 1, "unsupported XML version '2.0', expected 1.0")
        assertError("<?xml version='1.0' encoding='ISO-8859-1'?><a/>", line: 1, "unsupported encoding 'ISO-8859-1', expected UTF-8")
        assertError("<?xml version='1.0' standalone='maybe'?><a/>", line: 1, "standalone must be 'yes' or 'no', not 'maybe'")
        assertError("<?xml standalone='yes' version='1.0'?><a/>", line: 1, "XML declaration without version")
        assertError("<?xml version='1.0' standalone='yes' encoding='UTF-8'?><a/>", line: 1,
                    "unexpected 'encoding' in the XML declaration, expected version, encoding, standalone in this order")
        assertError("<a><?XML x?></a>", line: 1, "processing instruction target 'XML' is reserved")
    }

    func testContentOutsideTheRoot() {
        assertError("<a/>\n<b/>", line: 2, "element <b> after the root element, which closed on line 1")
        assertError("<a>\n</a>\ntrailing", line: 3, "text 'trailing' after the root element, which closed on line 2")
        assertError("junk<a/>", line: 1, "text 'junk' before the root element")
        assertError("<!-- only a comment -->\n", line: 2, "no root element")
    }

    func testNamespaceErrors() {
        assertError("<a>\n<p:b/></a>", line: 2, "namespace prefix 'p' of <p:b> is not declared")
        assertError("<a q:x='1'/>", line: 1, "namespace prefix 'q' of attribute 'q:x' in <a> is not declared")
        assertError("<a xmlns:p=''/>", line: 1, "namespace prefix 'p' declared with an empty URI in <a>")
        assertError("<a:b:c/>", line: 1, "element name 'a:b:c' is not a valid namespace-qualified name")
        assertError("<a xmlns:xmlns='u'/>", line: 1, "the prefix 'xmlns' cannot be declared (in <a>)")
        // A prefix declared on an element does not reach its siblings.
        assertError("<r><a xmlns:p='u'><p:x/></a>\n<p:y/></r>", line: 2, "namespace prefix 'p' of <p:y> is not declared")
    }

    func testEncodingErrors() throws {
        for (bytes, line, reason) in [
            ([0x3C, 0x61, 0x3E, 0x0A, 0xC3, 0x28, 0x3C, 0x2F, 0x61, 0x3E], 2, "invalid UTF-8 sequence, expected UTF-8 text"),
            ([0x3C, 0x61, 0x3E, 0x0D, 0x0A, 0x0D, 0x01, 0x3C, 0x2F, 0x61, 0x3E], 3, "control character U+0001, which XML does not allow"),
            ([0x3C, 0x61, 0x3E, 0xEF, 0xBF, 0xBE, 0x3C, 0x2F, 0x61, 0x3E], 1, "character U+FFFE, which XML does not allow"),
            ([0x3C, 0x61, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x61, 0x3E], 1, "invalid UTF-8 sequence, expected UTF-8 text"),
            ([0x3C, 0x61, 0x3E, 0xC0, 0xBC], 1, "invalid UTF-8 byte 0xC0, expected UTF-8 text"),
            ([0xFF, 0xFE, 0x3C, 0x00], 1, "UTF-16 document, expected UTF-8"),
        ] as [([UInt8], Int, String)] {
            XCTAssertThrowsError(try XMLEventReader(Data(bytes), path: "t.xml")) { error in
                XCTAssertEqual(error as? PaperSearchError, .malformedRecord(path: "t.xml", line: line, reason: "malformed XML (\(reason))"))
            }
        }
    }
}
