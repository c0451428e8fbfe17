import Foundation
import Ledger
import NIOCore

/// Rows packed by the server into one `bytea`, read back by hand.
///
/// A packed statement selects `string_agg(record_send(ROW(a, b, …)), ''::bytea)`: each row is
/// PostgreSQL's binary encoding of a record, and the records follow one another. A record is
/// `int32 column count`, then per column `int32 type oid`, `int32 length` (-1 for NULL) and
/// that many bytes, in the column's binary send format (big-endian integers, 16 bytes for a
/// UUID, UTF-8 for text, raw bytes for bytea). Reading a few large values this way replaces
/// PostgresNIO's decoding of thousands of rows, one cell at a time, with one pass over a buffer.
///
/// Use ``forEach(in:columns:_:)``: it checks every record's column count and every length
/// against the bytes there are, so a malformed value is an error, never a wrong read.
enum PackedRecords {
    /// Calls `body` once per record of `packed`, in the order they were packed. `body` reads
    /// the first `columns` columns of each record; columns after them (a column added to a
    /// table whose whole rows are packed) are skipped.
    /// - Throws: ``PackedRecordError`` when the bytes are not records of at least `columns`
    ///   columns, or whatever `body` throws.
    static func forEach(in packed: ByteBuffer, columns: Int, _ body: (inout Record) throws -> Void) throws {
        try packed.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                var record = Record(bytes: bytes, offset: offset, columns: columns)
                try record.begin()
                try body(&record)
                try record.end()
                offset = record.offset
            }
        }
    }

    /// One packed record: read its columns in order, each exactly once.
    struct Record {
        fileprivate let buffer: UnsafeRawBufferPointer
        fileprivate var offset: Int
        fileprivate let columns: Int
        fileprivate var present = 0
        fileprivate var column = 0

        fileprivate init(bytes: UnsafeRawBufferPointer, offset: Int, columns: Int) {
            self.buffer = bytes
            self.offset = offset
            self.columns = columns
        }

        fileprivate mutating func begin() throws(PackedRecordError) {
            let count = try readInt32()
            guard count >= columns else { throw .columnCount(expected: columns, found: Int(count), offset: offset - 4) }
            present = Int(count)
        }

        fileprivate mutating func end() throws(PackedRecordError) {
            guard column == columns else { throw .columnsLeftUnread(read: column, columns: columns) }
            while column < present { _ = try field() }
        }

        private mutating func readInt32() throws(PackedRecordError) -> Int32 {
            guard buffer.count - offset >= 4 else { throw .truncated(offset: offset, needed: 4) }
            let value = Int32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            offset += 4
            return value
        }

        /// The next column's bytes, nil for NULL.
        mutating func next() throws(PackedRecordError) -> UnsafeRawBufferPointer? {
            guard column < columns else { throw .tooManyColumnsRead(columns: columns) }
            return try field()
        }

        private mutating func field() throws(PackedRecordError) -> UnsafeRawBufferPointer? {
            column += 1
            _ = try readInt32()  // the column's type oid: the statement fixes the types
            let length = try readInt32()
            if length == -1 { return nil }
            guard length >= 0 else { throw .badLength(column: column - 1, length: Int(length)) }
            guard buffer.count - offset >= Int(length) else { throw .truncated(offset: offset, needed: Int(length)) }
            defer { offset += Int(length) }
            return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + Int(length)])
        }

        private mutating func required() throws(PackedRecordError) -> UnsafeRawBufferPointer {
            guard let value = try next() else { throw .unexpectedNull(column: column - 1) }
            return value
        }

        private mutating func fixed(_ size: Int) throws(PackedRecordError) -> UnsafeRawBufferPointer {
            let value = try required()
            guard value.count == size else { throw .badLength(column: column - 1, length: value.count) }
            return value
        }

        /// A `bigint` column.
        mutating func int64() throws(PackedRecordError) -> Int64 {
            Int64(bigEndian: try fixed(8).loadUnaligned(as: Int64.self))
        }

        /// A `uuid` column.
        mutating func uuid() throws(PackedRecordError) -> UUID {
            let value = try fixed(16)
            var id: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &id) { $0.copyMemory(from: value) }
            return UUID(uuid: id)
        }

        /// A `text` column (UTF-8; invalid bytes are repaired as PostgresNIO's decoding does).
        mutating func string() throws(PackedRecordError) -> String {
            String(decoding: try required(), as: UTF8.self)
        }

        /// A nullable `text` column.
        mutating func optionalString() throws(PackedRecordError) -> String? {
            try next().map { String(decoding: $0, as: UTF8.self) }
        }

        /// A `bytea` column.
        mutating func bytes() throws(PackedRecordError) -> [UInt8] {
            Array(try required())
        }

        /// A stored hash (`bytea`); a wrong length is read as a zero digest, as
        /// ``EntryPages/digest(_:)`` does, so the verifier names it.
        mutating func digest() throws(PackedRecordError) -> LedgerDigest {
            (try? LedgerDigest(bytes: try required())) ?? LedgerDigest.genesis
        }
    }
}

/// A packed value that is not what its statement packs: a bug or a server that encodes records
/// differently, never a property of the ledger's data.
enum PackedRecordError: Error, Equatable, CustomStringConvertible {
    case truncated(offset: Int, needed: Int)
    case columnCount(expected: Int, found: Int, offset: Int)
    case badLength(column: Int, length: Int)
    case unexpectedNull(column: Int)
    case columnsLeftUnread(read: Int, columns: Int)
    case tooManyColumnsRead(columns: Int)

    var description: String {
        switch self {
        case .truncated(let offset, let needed):
            "a packed record ends early: \(needed) bytes needed at byte \(offset) (the server's record encoding is not the one expected)"
        case .columnCount(let expected, let found, let offset):
            "a packed record at byte \(offset) has \(found) columns, fewer than the \(expected) its reader needs (was a column of the table dropped?)"
        case .badLength(let column, let length):
            "column \(column) of a packed record has length \(length), which its type cannot have"
        case .unexpectedNull(let column):
            "column \(column) of a packed record is NULL, but the table does not allow NULL there (was the schema changed?)"
        case .columnsLeftUnread(let read, let columns):
            "a packed record's reader read \(read) of its \(columns) columns (a bug in the reader)"
        case .tooManyColumnsRead(let columns):
            "a packed record's reader read more than its \(columns) columns (a bug in the reader)"
        }
    }
}
