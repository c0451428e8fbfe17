/// A minimal POSIX ustar (IEEE Std 1003.1-1988) writer: regular files only, written in order,
/// each as a 512-byte header and its data padded to a multiple of 512 bytes, then two zero blocks.
///
/// Paths are at most 100 bytes (no prefix field is used); sizes below 8 GiB (11 octal digits);
/// mode 0644, owner 0/0, every member's time the same (the export's production time), so the
/// same input gives the same archive.
struct TarWriter {
    static let blockSize = 512
    static let maxPathBytes = 100
    static let maxSize: UInt64 = (1 << 33) - 1

    /// The modification time of every member, seconds since the epoch.
    let mtime: Int64

    /// The header block of a regular file.
    func header(path: String, size: UInt64) throws(ExportError) -> [UInt8] {
        let name = Array(path.utf8)
        guard !name.isEmpty, name.count <= Self.maxPathBytes else {
            throw .invalidInput("the bundle path \"\(path)\" is empty or longer than \(Self.maxPathBytes) bytes")
        }
        guard size <= Self.maxSize else { throw .invalidInput("\(path) is larger than 8 GiB, the most a tar member holds here") }
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (index, byte) in bytes.enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: UInt64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(UInt64(max(0, mtime)), width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        block[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(Array("root".utf8), at: 265)
        put(Array("root".utf8), at: 297)
        let checksum = block.reduce(0) { $0 + UInt64($1) }
        let digits = String(checksum, radix: 8)
        put(Array((String(repeating: "0", count: 6 - digits.count) + digits).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return block
    }

    /// The zero bytes that pad `size` bytes of data to a whole block.
    static func padding(for size: UInt64) -> [UInt8] {
        let rest = Int(size % UInt64(blockSize))
        return rest == 0 ? [] : [UInt8](repeating: 0, count: blockSize - rest)
    }

    /// The end of the archive: two zero blocks.
    static let trailer = [UInt8](repeating: 0, count: 2 * blockSize)
}
