import Crypto
import Foundation
import Ledger
import Zstd

/// The compressed tar stream of a bundle being written: tar blocks go through a streaming zstd
/// compressor into a file, in chunks, so memory stays flat however large the bundle.
final class BundleOutput {
    private let handle: FileHandle
    private let path: String
    private let compressor: ZstdCompressor
    private let tar: TarWriter
    private var pending: [UInt8] = []
    private static let chunk = 1 << 20

    init(path: String, level: Int, mtime: Int64) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportError.io(path: path, reason: "cannot create the file")
        }
        self.handle = handle
        self.compressor = try ZstdCompressor(level: level)
        self.tar = TarWriter(mtime: mtime)
    }

    /// Writes a whole member whose bytes are in hand; returns its file record.
    func addFile(path memberPath: String, bytes: [UInt8]) throws -> ExportManifest.FileRecord {
        try write(try tar.header(path: memberPath, size: UInt64(bytes.count)))
        try write(bytes)
        try write(TarWriter.padding(for: UInt64(bytes.count)))
        return .init(path: memberPath, size: UInt64(bytes.count), sha256: Hex.sha256(bytes))
    }

    /// Copies a spooled file in as a member.
    func addSpool(_ spool: HashingSpool) throws -> ExportManifest.FileRecord {
        let record = try spool.close()
        try write(try tar.header(path: record.path, size: record.size))
        try spool.copyContents { try write($0) }
        try write(TarWriter.padding(for: record.size))
        return record
    }

    /// Ends the archive and the zstd frame, syncs and closes the file.
    func finish() throws {
        try write(TarWriter.trailer)
        try compressor.compress(pending) { try emit($0) }
        pending = []
        try compressor.finish { try emit($0) }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ExportError.io(path: path, reason: "\(error)")
        }
    }

    /// Closes the file without finishing (the caller removes it).
    func abandon() { try? handle.close() }

    private func write(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.chunk {
            try compressor.compress(pending) { try emit($0) }
            pending.removeAll(keepingCapacity: true)
        }
    }

    private func emit(_ bytes: [UInt8]) throws {
        do { try handle.write(contentsOf: bytes) } catch { throw ExportError.io(path: path, reason: "\(error)") }
    }
}

/// A file of the bundle written to a temporary file first (its size goes in the tar header before
/// its data), hashed as it is written. No file descriptor is held between writes: a bundle has one
/// spool per conversation, and an export may span more conversations than a process may hold open
/// files.
final class HashingSpool {
    let memberPath: String
    private let url: URL
    private let bufferLimit: Int
    private var hasher = SHA256()
    private var size: UInt64 = 0
    private var buffer: [UInt8] = []
    private var record: ExportManifest.FileRecord?

    /// - Parameter bufferLimit: bytes kept in memory before they are appended to the file (small
    ///   for the many per-conversation transcripts, so memory does not grow with conversations).
    init(memberPath: String, directory: URL, bufferLimit: Int = 256 * 1024) throws {
        self.memberPath = memberPath
        self.url = directory.appendingPathComponent(UUID().uuidString)
        self.bufferLimit = bufferLimit
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ExportError.io(path: url.path, reason: "cannot create a temporary file")
        }
    }

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) throws {
        hasher.update(data: bytes)
        size += UInt64(bytes.count)
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            guard let handle = FileHandle(forWritingAtPath: url.path) else { throw ExportError.io(path: url.path, reason: "cannot open it") }
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: buffer)
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError.io(path: url.path, reason: "\(error)")
        }
        buffer = []
    }

    /// Flushes; the file's record (path, size, SHA-256). Idempotent.
    func close() throws -> ExportManifest.FileRecord {
        if let record { return record }
        try flush()
        let made = ExportManifest.FileRecord(path: memberPath, size: size, sha256: Hex.encode(hasher.finalize()))
        record = made
        return made
    }

    /// Hands the written bytes to `sink` in 1 MiB chunks.
    func copyContents(_ sink: ([UInt8]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ExportError.io(path: url.path, reason: "cannot open it") }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { try sink(Array(data)) }
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

extension Hex {
    /// Lower-case hex of the SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String { Hex.encode(SHA256.hash(data: bytes)) }
}
