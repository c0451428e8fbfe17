import Foundation
import Ledger

/// CRC-32 (ISO 3309, the zip and gzip polynomial 0xEDB88320), incrementally.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
    private(set) var state: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: [UInt8]) {
        for byte in bytes { state = Self.table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
    }

    var value: UInt32 { state ^ 0xFFFF_FFFF }
}

/// A minimal stored (uncompressed) zip writer (APPNOTE 6.3: local headers, central directory,
/// end record; no zip64, so under 4 GiB and 65,535 entries), written into a spool as files come.
/// Names are UTF-8 (flag bit 11); every entry has the same DOS time.
struct ZipWriter {
    let spool: HashingSpool
    let dosTime: UInt16
    let dosDate: UInt16
    private var central: [UInt8] = []
    private var entries = 0
    private var offset: UInt64 = 0

    init(spool: HashingSpool, time: LedgerTimestamp) {
        self.spool = spool
        // The LF text form YYYY-MM-DDTHH:MM:SS.ffffffZ gives the UTC calendar fields.
        let text = Array(time.description.utf8)
        func field(_ start: Int, _ count: Int) -> Int {
            guard text.count == 27 else { return 0 }
            return Int(String(decoding: text[start..<(start + count)], as: UTF8.self)) ?? 0
        }
        let year = max(1980, min(2107, text.count == 27 ? field(0, 4) : 1980))
        dosDate = UInt16((year - 1980) << 9 | max(1, field(5, 2)) << 5 | max(1, field(8, 2)))
        dosTime = UInt16(field(11, 2) << 11 | field(14, 2) << 5 | field(17, 2) / 2)
    }

    private static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) } }

    /// Adds a file whose bytes are produced by `body` (given a sink); `size` and `crc` must be known
    /// first, so callers pass bytes in hand or a closed spool.
    mutating func add(name: String, size: UInt64, crc: UInt32, body: (([UInt8]) throws -> Void) throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        guard size < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, entries < 0xFFFF else {
            throw ExportError.invalidInput("the RSMF zip would exceed 4 GiB or 65,535 files: export fewer messages per installment")
        }
        let common =
            Self.le16(10) + Self.le16(0x0800) + Self.le16(0) + Self.le16(Int(dosTime)) + Self.le16(Int(dosDate)) + Self.le32(crc)
            + Self.le32(UInt32(size)) + Self.le32(UInt32(size)) + Self.le16(nameBytes.count) + Self.le16(0)
        let local = Self.le32(0x0403_4B50) + common + nameBytes
        central +=
            Self.le32(0x0201_4B50) + Self.le16(20) + common + Self.le16(0) + Self.le16(0) + Self.le16(0) + Self.le32(0)
            + Self.le32(UInt32(offset)) + nameBytes
        try spool.write(local)
        try body { try spool.write($0) }
        offset += UInt64(local.count) + size
        entries += 1
    }

    /// Adds a file whose bytes are in hand.
    mutating func add(name: String, bytes: [UInt8]) throws {
        var crc = CRC32()
        crc.update(bytes)
        try add(name: name, size: UInt64(bytes.count), crc: crc.value) { try $0(bytes) }
    }

    /// Writes the central directory and the end record.
    func finish() throws {
        try spool.write(central)
        try spool.write(
            Self.le32(0x0605_4B50) + Self.le16(0) + Self.le16(0) + Self.le16(entries) + Self.le16(entries) + Self.le32(UInt32(central.count))
                + Self.le32(UInt32(offset)) + Self.le16(0))
    }
}
