import Core
/// The stop-word lists the analyzer can drop (`AnalyzerOptions.stopWords`).
///
/// Words are lowercase, diacritic-free and apostrophe-free, because the analyzer looks them up
/// after lowercasing, folding and apostrophe removal (`don't` -> `dont`, `model's` -> `model`),
/// and before stemming.
public enum StopWords {
    /// papersearch's own English list (213 words), written for this project: purely linguistic
    /// function words (articles, pronouns, prepositions, conjunctions, auxiliary and modal
    /// verbs, determiners and quantifiers, discourse adverbs), their apostrophe-less contractions
    /// (`dont`, `isnt`, `im`), and the citation Latin `et`, `al`, `etc`, `vs`.
    ///
    /// Deliberately NOT included: abstract boilerplate such as `paper`, `propose`, `method`,
    /// `results`, `show`, `using` (IDF already down-weights them, and they carry meaning in
    /// queries like "show, don't tell"), number words (`one`, `two`, `first`: `one-shot`,
    /// `two-stage` matter), and content words that sklearn's list has (`system`, `bill`,
    /// `fire`, `interest`, `detail`, `find`, `part`, `side`, `top`, `well`, `thin`, ...).
    public static let english: Set<String> = [
        "a", "about", "above", "across", "after", "again", "against", "al", "all", "almost", "along",
        "already", "also", "although", "always", "am", "among", "amongst", "an", "and", "another", "any",
        "anything", "are", "arent", "around", "as", "at", "be", "became", "because", "become", "becomes",
        "been", "before", "behind", "being", "below", "besides", "between", "beyond", "both", "but", "by",
        "can", "cannot", "cant", "could", "couldnt", "did", "didnt", "do", "does", "doesnt", "doing", "done",
        "dont", "down", "during", "each", "either", "else", "et", "etc", "even", "ever", "every",
        "everything", "few", "for", "from", "further", "furthermore", "had", "has", "hasnt", "have", "having",
        "he", "hence", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if",
        "im", "in", "into", "is", "isnt", "it", "its", "itself", "ive", "just", "least", "less", "let",
        "lets", "may", "me", "might", "more", "moreover", "most", "much", "must", "my", "myself", "namely",
        "neither", "never", "nevertheless", "no", "none", "nonetheless", "nor", "not", "nothing", "now", "of",
        "off", "often", "on", "once", "only", "onto", "or", "other", "others", "otherwise", "our", "ours",
        "ourselves", "out", "over", "own", "per", "rather", "same", "shall", "she", "should", "shouldnt",
        "since", "so", "some", "something", "such", "than", "that", "thats", "the", "their", "them",
        "themselves", "then", "there", "thereby", "therefore", "therein", "these", "they", "this", "those",
        "though", "through", "thus", "to", "too", "toward", "towards", "under", "unless", "until", "up",
        "upon", "us", "very", "via", "vs", "was", "we", "were", "what", "when", "where", "whereas", "whether",
        "which", "while", "whilst", "who", "whom", "whose", "why", "will", "with", "within", "without",
        "would", "wouldnt", "yet", "you", "your", "yours", "yourself",
    ]

    /// scikit-learn's `ENGLISH_STOP_WORDS` (318 words), verbatim, so that
    /// `AnalyzerOptions.peerCompatible` reproduces the peer scripts in /work/shared/peers
    /// (`TfidfVectorizer(stop_words="english")`, `beir_eval.py`).
    /// Source: scikit-learn 1.9.1, `sklearn/feature_extraction/_stop_words.py`
    /// (`from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS`), BSD-3-Clause;
    /// the list itself comes from the Glasgow Information Retrieval Group. Sorted here.
    /// It contains the misspelling `amoungst` and content words such as `system`, `fire`, `bill`:
    /// both are kept, exactly as sklearn has them.
    public static let sklearn: Set<String> = [
        "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost", "alone",
        "along", "already", "also", "although", "always", "am", "among", "amongst", "amoungst", "amount",
        "an", "and", "another", "any", "anyhow", "anyone", "anything", "anyway", "anywhere", "are", "around",
        "as", "at", "back", "be", "became", "because", "become", "becomes", "becoming", "been", "before",
        "beforehand", "behind", "being", "below", "beside", "besides", "between", "beyond", "bill", "both",
        "bottom", "but", "by", "call", "can", "cannot", "cant", "co", "con", "could", "couldnt", "cry", "de",
        "describe", "detail", "do", "done", "down", "due", "during", "each", "eg", "eight", "either",
        "eleven", "else", "elsewhere", "empty", "enough", "etc", "even", "ever", "every", "everyone",
        "everything", "everywhere", "except", "few", "fifteen", "fifty", "fill", "find", "fire", "first",
        "five", "for", "former", "formerly", "forty", "found", "four", "from", "front", "full", "further",
        "get", "give", "go", "had", "has", "hasnt", "have", "he", "hence", "her", "here", "hereafter",
        "hereby", "herein", "hereupon", "hers", "herself", "him", "himself", "his", "how", "however",
        "hundred", "i", "ie", "if", "in", "inc", "indeed", "interest", "into", "is", "it", "its", "itself",
        "keep", "last", "latter", "latterly", "least", "less", "ltd", "made", "many", "may", "me",
        "meanwhile", "might", "mill", "mine", "more", "moreover", "most", "mostly", "move", "much", "must",
        "my", "myself", "name", "namely", "neither", "never", "nevertheless", "next", "nine", "no", "nobody",
        "none", "noone", "nor", "not", "nothing", "now", "nowhere", "of", "off", "often", "on", "once", "one",
        "only", "onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over",
        "own", "part", "per", "perhaps", "please", "put", "rather", "re", "same", "see", "seem", "seemed",
        "seeming", "seems", "serious", "several", "she", "should", "show", "side", "since", "sincere", "six",
        "sixty", "so", "some", "somehow", "someone", "something", "sometime", "sometimes", "somewhere",
        "still", "such", "system", "take", "ten", "than", "that", "the", "their", "them", "themselves",
        "then", "thence", "there", "thereafter", "thereby", "therefore", "therein", "thereupon", "these",
        "they", "thick", "thin", "third", "this", "those", "though", "three", "through", "throughout", "thru",
        "thus", "to", "together", "too", "top", "toward", "towards", "twelve", "twenty", "two", "un", "under",
        "until", "up", "upon", "us", "very", "via", "was", "we", "well", "were", "what", "whatever", "when",
        "whence", "whenever", "where", "whereafter", "whereas", "whereby", "wherein", "whereupon", "wherever",
        "whether", "which", "while", "whither", "who", "whoever", "whole", "whom", "whose", "why", "will",
        "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
    ]

    /// The set for a list choice (empty for `.none`).
    public static func words(for list: AnalyzerOptions.StopWordList) -> Set<String> {
        switch list {
        case .english: return english
        case .sklearn: return sklearn
        case .none: return []
        }
    }
}
