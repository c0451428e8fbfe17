import Foundation

/// Origins and key names of Recordkeeper checkpoints (docs/ledger-format.md section 12.1).
///
/// The origin of a ledger's checkpoints is `<log name>/ledgers/<ledger>`; the signing key's name
/// under that origin is the origin itself.
public enum CheckpointOrigin {
    /// The default log name when none is configured.
    public static let defaultLogName = "recordkeeper.localhost"

    /// Checks that `logName` can start an origin and a signed-note key name.
    public static func validate(logName: String) throws(CheckpointError) {
        let allowed = logName.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
                UInt8(ascii: "_"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
        guard !logName.isEmpty, logName.utf8.count <= 200, allowed,
            !logName.hasPrefix("/"), !logName.hasSuffix("/"), !logName.contains("//")
        else {
            throw .invalidLogName(logName)
        }
    }

    /// `<logName>/ledgers/<ledger>`.
    public static func origin(logName: String, ledger: String) -> String {
        "\(logName)/ledgers/\(ledger)"
    }

    /// The ledger an origin names, if it has the Recordkeeper form.
    public static func ledger(fromOrigin origin: String) -> String? {
        guard let range = origin.range(of: "/ledgers/", options: .backwards) else { return nil }
        let ledger = origin[range.upperBound...]
        return ledger.isEmpty || ledger.contains("/") ? nil : String(ledger)
    }
}
