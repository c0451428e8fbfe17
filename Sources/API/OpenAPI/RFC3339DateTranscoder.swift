import Foundation
import OpenAPIRuntime

/// Dates in `/v1` answers and parameters as the API has always written them (``RFC3339``):
/// whole seconds without a fraction (`2026-11-25T17:02:11Z`), otherwise with one; any offset
/// and either form is read.
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { RFC3339.format(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\"\(text)\" is not an RFC 3339 time such as 2026-11-25T17:02:11Z"))
        }
        return date
    }
}
