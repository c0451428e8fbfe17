/// What a detector found. Names only: the words that go into headers and logs.
public enum SensitiveDataKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case ssn
    case paymentCard = "payment_card"
    case bankRouting = "bank_routing"
    case bankAccount = "bank_account"
    case driversLicense = "wa_drivers_license"
    case dateOfBirth = "date_of_birth"
    case health

    public static func < (lhs: SensitiveDataKind, rhs: SensitiveDataKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The OCIO 141.10 category a finding of this kind implies (docs/classification.md says why).
    public var category: DataCategory {
        switch self {
        case .ssn, .paymentCard, .bankAccount, .driversLicense, .dateOfBirth: .confidential
        // A routing number names a bank, not a person's account: sensitive, not confidential.
        case .bankRouting: .sensitive
        // OCIO 141.10 lists protected health information under category 4.
        case .health: .specialHandling
        }
    }
}

/// One finding: its kind, the category it implies and where it is, as UTF-8 byte offsets into
/// the classified text. Never the matched text itself, so a finding may be logged or recorded.
public struct SensitiveFinding: Sendable, Hashable {
    public var kind: SensitiveDataKind
    public var utf8Range: Range<Int>

    public var category: DataCategory { kind.category }

    public init(kind: SensitiveDataKind, utf8Range: Range<Int>) {
        self.kind = kind
        self.utf8Range = utf8Range
    }
}
