/// The outcome of verifying an export bundle offline.
public struct ExportVerificationReport: Sendable, Hashable {
    /// One thing that does not hold, with a stable code and a sentence a person understands.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// e.g. `file_changed`, `proof_invalid` (docs/export-format.md section 7).
        public var code: String
        /// What it concerns: a file path, `position 12`, or the bundle.
        public var subject: String
        public var message: String

        public init(code: String, subject: String, message: String) {
            self.code = code
            self.subject = subject
            self.message = message
        }

        public var description: String { "\(code) (\(subject)): \(message)" }
    }

    /// True when nothing is wrong.
    public var ok: Bool { problems.isEmpty }
    public var released = 0
    public var redacted = 0
    public var withheld = 0
    /// Files in the bundle, manifest.json included.
    public var files = 0
    /// The checkpoint's tree size and the ledger, when the manifest could be read.
    public var ledger: String?
    public var checkpointSize: UInt64?
    /// Lower-case hex SHA-256 of `manifest.json` (what `export.produced` records), when it was found.
    public var manifestSHA256: String?
    /// The transfer list of a transfer package (its manifest's `transfer` member), nil for an installment.
    public var transferList: String?
    public var problems: [Problem] = []

    public init() {}

    mutating func add(_ code: String, _ subject: String, _ message: String) {
        problems.append(Problem(code: code, subject: subject, message: message))
    }
}
