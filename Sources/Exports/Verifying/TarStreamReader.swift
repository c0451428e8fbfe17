import Foundation
import Zstd

/// Why a bundle cannot be read as a zstd-compressed tar archive.
struct BundleReadError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a `.tar.zst` file as a stream: the file in 1 MiB chunks through a streaming zstd
/// decompressor into a ustar parser that hands over each member's path and size, then its data in
/// pieces. Memory stays flat whatever the size of the bundle or its members.
struct TarStreamReader {
    let url: URL

    /// Streams every member: `member(path, size)` then `data(piece)` calls, then `end()`.
    func read(
        member: (String, UInt64) throws -> Void, data: (UnsafeRawBufferPointer) throws -> Void, end: () throws -> Void
    ) throws {
        try withoutActuallyEscaping(member) { member in
            try withoutActuallyEscaping(data) { data in
                try withoutActuallyEscaping(end) { end in
                    try stream(TarParser(member: member, data: data, end: end))
                }
            }
        }
    }

    private func stream(_ parser: TarParser) throws {
        var parser = parser
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw BundleReadError(description: "cannot open \(url.path)")
        }
        defer { try? handle.close() }
        let decompressor = try ZstdDecompressor()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { raw in
                    try decompressor.decompress(raw) { try parser.feed($0) }
                }
            }
            try decompressor.finish()
        } catch let error as ZstdError {
            throw BundleReadError(description: "the bundle is not a complete zstd file (\(error))")
        }
        try parser.finish()
    }
}

/// A ustar parser fed arbitrary pieces of the archive.
private struct TarParser {
    let member: (String, UInt64) throws -> Void
    let data: (UnsafeRawBufferPointer) throws -> Void
    let end: () throws -> Void
    private var header: [UInt8] = []
    private var remaining: UInt64 = 0
    private var padding: UInt64 = 0
    private var inMember = false
    private var ended = false

    init(
        member: @escaping (String, UInt64) throws -> Void, data: @escaping (UnsafeRawBufferPointer) throws -> Void,
        end: @escaping () throws -> Void
    ) {
        self.member = member
        self.data = data
        self.end = end
    }

    mutating func feed(_ input: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < input.count {
            if ended { return }  // bytes after the end-of-archive blocks are ignored (tar pads to a record)
            if remaining > 0 {
                let take = Int(min(remaining, UInt64(input.count - offset)))
                try data(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
                remaining -= UInt64(take)
                offset += take
                if remaining == 0 { try closeMember() }
            } else if padding > 0 {
                let take = Int(min(padding, UInt64(input.count - offset)))
                padding -= UInt64(take)
                offset += take
            } else {
                let take = min(512 - header.count, input.count - offset)
                header.append(contentsOf: input[offset..<(offset + take)])
                offset += take
                if header.count == 512 { try parseHeader() }
            }
        }
    }

    private mutating func closeMember() throws {
        if inMember {
            inMember = false
            try end()
        }
    }

    private mutating func parseHeader() throws {
        let block = header
        header = []
        if block.allSatisfy({ $0 == 0 }) {
            ended = true
            return
        }
        let stored = Self.octal(block[148..<156])
        let sum = block.enumerated().reduce(UInt64(0)) { $0 + UInt64((148..<156).contains($1.offset) ? 32 : $1.element) }
        guard stored == sum else { throw BundleReadError(description: "a tar header is damaged (bad checksum)") }
        guard let size = Self.octal(block[124..<136]) else { throw BundleReadError(description: "a tar header has a malformed size") }
        func text(_ range: Range<Int>) -> String {
            let bytes = block[range].prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        let name = text(0..<100)
        let prefix = text(345..<500)
        let path = prefix.isEmpty ? name : prefix + "/" + name
        inMember = true
        try member(path, size)
        remaining = size
        padding = size % 512 == 0 ? 0 : 512 - size % 512
        if size == 0 { try closeMember() }
    }

    mutating func finish() throws {
        guard !inMember, remaining == 0, header.isEmpty || ended else {
            throw BundleReadError(description: "the tar archive ends in the middle of a file")
        }
        guard ended else { throw BundleReadError(description: "the tar archive has no end-of-archive marker: it was cut off") }
    }

    private static func octal(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        let digits = bytes.filter { $0 != 0 && $0 != UInt8(ascii: " ") }
        guard !digits.isEmpty else { return 0 }
        var value: UInt64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit), value < (1 << 60) else { return nil }
            value = value * 8 + UInt64(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
