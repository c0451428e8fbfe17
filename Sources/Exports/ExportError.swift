/// Why an export bundle could not be written. Nothing is left at the destination when one is thrown.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The checkpoint or its keys cannot be used.
    case checkpoint(String)
    /// A message cannot be exported as given (names its position and what is wrong).
    case invalidMessage(position: Int64, reason: String)
    /// A conversation, party or cover letter value is unusable.
    case invalidInput(String)
    /// The destination already exists.
    case destinationExists(String)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .checkpoint(let why):
            "the checkpoint cannot be used for the export: \(why); make a new checkpoint (`recordkeeper checkpoint`) and export again"
        case .invalidMessage(let position, let reason):
            "message at position \(position) cannot be exported: \(reason); nothing was written"
        case .invalidInput(let why):
            "\(why); nothing was written"
        case .destinationExists(let path):
            "\(path) already exists: choose another file name or remove it first"
        case .io(let path, let reason):
            "could not write or read \(path): \(reason)"
        }
    }
}
