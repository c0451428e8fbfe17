import Foundation

/// The webhook deliveries in `Tests/WhatsAppTests/Fixtures`, as bytes exactly as stored.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name + ".json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return Array(data)
    }

    /// Every fixture's name (without `.json`), sorted.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "no fixture at \(path)" }
    }
}
