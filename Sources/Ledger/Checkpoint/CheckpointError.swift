/// Why a checkpoint, signed note or verifier key could not be read, made or trusted.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checkpoint body is not a C2SP tlog-checkpoint.
    case malformedBody(String)
    /// The text is not a C2SP signed note.
    case malformedNote(String)
    /// A verifier key string is not `name+hex-key-id+base64(0x01 ‖ key)`.
    case malformedVerifierKey(String)
    /// A log name is not usable as a checkpoint origin or key name.
    case invalidLogName(String)
    /// No signature of the note verifies with the trusted keys.
    case noValidSignature(origin: String, trusted: [String])

    public var description: String {
        switch self {
        case .malformedBody(let why):
            return "not a tlog-checkpoint body: \(why)"
        case .malformedNote(let why):
            return "not a signed note: \(why)"
        case .malformedVerifierKey(let why):
            return "not a verifier key (expected NAME+KEYID+BASE64): \(why)"
        case .invalidLogName(let name):
            return
                "log name \"\(name)\" is not usable: use a schema-less URL such as records.example.gov (letters, digits, '.', '-', '_', '/'; no spaces, no '+')"
        case .noValidSignature(let origin, let trusted):
            let keys = trusted.isEmpty ? "no trusted key names this origin" : "trusted keys: \(trusted.joined(separator: ", "))"
            return "no signature on the checkpoint for \(origin) verifies with a trusted key (\(keys))"
        }
    }
}
