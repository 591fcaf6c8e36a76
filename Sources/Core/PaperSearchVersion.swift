/// The tool version recorded with every model and printed by `--version`.
public enum PaperSearchVersion {
    public static let string = "0.1.0"
}
