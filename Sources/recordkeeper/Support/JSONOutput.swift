import Foundation
import RecordkeeperRuntime

extension Output {
    /// Prints an `Encodable` value as pretty JSON with sorted keys (dates in ISO 8601) on standard output.
    static func encoded<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}
