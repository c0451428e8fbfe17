import Crypto
import Foundation
import Ledger
import Zstd

@testable import Exports

/// A bundle's members in memory, to read them and to make tampered copies (tests only).
struct BundleContents {
    var members: [(path: String, bytes: [UInt8])]

    init(url: URL) throws {
        let tar = try Zstd.decompress(Array(try Data(contentsOf: url)), maxOutputBytes: 64 << 20)
        members = []
        var offset = 0
        while offset + 512 <= tar.count {
            let header = Array(tar[offset..<(offset + 512)])
            if header.allSatisfy({ $0 == 0 }) { break }
            let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let sizeText = String(decoding: header[124..<135], as: UTF8.self)
            let size = Int(sizeText, radix: 8)!
            members.append((name, Array(tar[(offset + 512)..<(offset + 512 + size)])))
            offset += 512 + (size + 511) / 512 * 512
        }
    }

    var paths: [String] { members.map(\.path) }

    func bytes(_ path: String) -> [UInt8]? { members.first { $0.path == path }?.bytes }

    func text(_ path: String) -> String { String(decoding: bytes(path) ?? [], as: UTF8.self) }

    mutating func replace(_ path: String, with bytes: [UInt8]) {
        let index = members.firstIndex { $0.path == path }!
        members[index].bytes = bytes
    }

    mutating func edit(_ path: String, _ change: (inout [UInt8]) -> Void) {
        var bytes = self.bytes(path)!
        change(&bytes)
        replace(path, with: bytes)
    }

    /// The manifest as a mutable JSON object.
    var manifest: [String: Any] {
        get { try! JSONSerialization.jsonObject(with: Data(bytes("manifest.json")!)) as! [String: Any] }
        set { replace("manifest.json", with: Array(try! JSONSerialization.data(withJSONObject: newValue, options: [.sortedKeys]))) }
    }

    /// Rewrites the manifest's size and SHA-256 of `path` to match its current bytes, so that only
    /// the deeper checks can catch a change to it.
    mutating func rehash(_ path: String) {
        let bytes = self.bytes(path)!
        var manifest = self.manifest
        var files = manifest["files"] as! [[String: Any]]
        let index = files.firstIndex { $0["path"] as? String == path }!
        files[index]["size"] = bytes.count
        files[index]["sha256"] = Hex.encode(SHA256.hash(data: bytes))
        manifest["files"] = files
        self.manifest = manifest
    }

    /// Writes the members as a new `.tar.zst`.
    func write(to url: URL) throws {
        let tar = TarWriter(mtime: 0)
        var out: [UInt8] = []
        for member in members {
            out += try tar.header(path: member.path, size: UInt64(member.bytes.count))
            out += member.bytes + TarWriter.padding(for: UInt64(member.bytes.count))
        }
        out += TarWriter.trailer
        try Data(try Zstd.compress(out)).write(to: url)
    }
}
