import Ledger
package import LedgerStore
import RecordkeeperCore

/// A retained header that projections read, built from its JSON object field by field.
///
/// It keeps what `Decodable` with snake_case keys did (a required key that is absent, or any key
/// of the wrong type, makes the header not fit; an optional key may be absent or null) without
/// Foundation's `JSONDecoder`: several projections read a header per event, and the decoder
/// was 2% of the ingest benchmark's CPU (docs/benchmarks.md).
package protocol RetainedHeader {
    init(_ fields: HeaderFields) throws(HeaderMismatch)
}

/// A header's key that is absent where it is required, or holds the wrong type.
package struct HeaderMismatch: Error {
    package let key: String
}

/// The members of a header's JSON object, read by type.
package struct HeaderFields {
    let object: [String: JSONValue]

    package func string(_ key: String) throws(HeaderMismatch) -> String {
        guard let value = try optionalString(key) else { throw HeaderMismatch(key: key) }
        return value
    }

    package func optionalString(_ key: String) throws(HeaderMismatch) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw HeaderMismatch(key: key)
        }
    }

    package func integer<I: FixedWidthInteger>(_ key: String) throws(HeaderMismatch) -> I {
        guard let value: I = try optionalInteger(key) else { throw HeaderMismatch(key: key) }
        return value
    }

    package func optionalInteger<I: FixedWidthInteger>(_ key: String) throws(HeaderMismatch) -> I? {
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let value)?:
            guard let exact = I(exactly: value) else { throw HeaderMismatch(key: key) }
            return exact
        default: throw HeaderMismatch(key: key)
        }
    }

    package func optionalObject<T: RetainedHeader>(_ key: String) throws(HeaderMismatch) -> T? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let members)?: return try T(HeaderFields(object: members))
        default: throw HeaderMismatch(key: key)
        }
    }
}

extension ContractEvent {
    /// Reads a retained header (a snake_case JSON object), or nil when it does not fit.
    package static func header<T: RetainedHeader>(_ type: T.Type, of record: SelectedRecord) -> T? {
        guard case .object(let members)? = try? JSONValue.parse(Array(record.entry.fields.header.utf8)) else { return nil }
        return try? T(HeaderFields(object: members))
    }
}
