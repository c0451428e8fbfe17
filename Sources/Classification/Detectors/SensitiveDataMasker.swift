/// Masks findings in a text, for staff whose role has no clearance for the category.
///
/// Masks keep only what helps a conversation without disclosing the value: the last four digits
/// of an SSN (`•••-••-1234`), a card (`•••• 1234`) or an account (`••••1234`); other kinds become
/// a bracketed label (`[routing number]`, `[driver's licence]`, `[date of birth]`, `[health]`).
public enum SensitiveDataMasker {
    /// `text` with every finding replaced by its mask. `findings` must come from the same text.
    public static func mask(_ text: String, findings: [SensitiveFinding]) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var cursor = 0
        for finding in findings.sorted(by: { $0.utf8Range.lowerBound < $1.utf8Range.lowerBound }) {
            let range = finding.utf8Range.clamped(to: 0..<bytes.count)
            guard range.lowerBound >= cursor, !range.isEmpty else { continue }
            output += bytes[cursor..<range.lowerBound]
            output += Array(mask(for: finding.kind, matched: bytes[range]).utf8)
            cursor = range.upperBound
        }
        output += bytes[cursor...]
        return String(decoding: output, as: UTF8.self)
    }

    static func mask(for kind: SensitiveDataKind, matched: ArraySlice<UInt8>) -> String {
        let last4 = String(decoding: matched.filter(ScanText.isDigit).suffix(4), as: UTF8.self)
        switch kind {
        case .ssn: return "•••-••-" + last4
        case .paymentCard: return "•••• " + last4
        case .bankAccount: return "••••" + last4
        case .bankRouting: return "[routing number]"
        case .driversLicense: return "[driver's licence]"
        case .dateOfBirth: return "[date of birth]"
        case .health: return "[health]"
        }
    }
}
