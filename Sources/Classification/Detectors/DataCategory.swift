/// A Washington OCIO standard 141.10 data category (docs/classification.md).
///
/// Ordered: a higher category needs stricter handling. A conversation takes the highest
/// category of any of its messages (``DataCategory/highest(_:)``).
public enum DataCategory: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// Category 1: public information, releasable.
    case publicInformation = 1
    /// Category 2: sensitive, for official use, not protected by law.
    case sensitive = 2
    /// Category 3: confidential, protected by law (an SSN, a driver's licence or a financial
    /// account number with a name).
    case confidential = 3
    /// Category 4: confidential information requiring special handling (protected health
    /// information, tax data, criminal justice data, abuse reports).
    case specialHandling = 4

    public static func < (lhs: DataCategory, rhs: DataCategory) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The category of a conversation (or any set of records): the highest of its members,
    /// category 1 when there are none.
    public static func highest(_ categories: some Sequence<DataCategory>) -> DataCategory {
        categories.max() ?? .publicInformation
    }
}
