public import Foundation

/// The append-only directory sink: files are created exclusively, never overwritten, and synced
/// to disk before the delivery is recorded.
public enum CheckpointFiles {
    /// `<ledger>/<tree size, 20 digits>-<checkpoint id>.checkpoint` under the sink directory.
    public static func relativePath(ledger: String, treeSize: Int64, checkpointID: Int64) -> String {
        let size = String(treeSize)
        return "\(ledger)/\(String(repeating: "0", count: max(0, 20 - size.count)))\(size)-\(checkpointID).checkpoint"
    }

    /// Writes `data` to a new file, atomically and exclusively: the bytes go to a temporary file
    /// in the same directory, are synced, and the temporary file is hard-linked to its final name,
    /// which fails if that name exists. A reader never sees a partial file, and an existing file
    /// is never replaced (unless it already holds exactly `data`: a retried delivery is harmless).
    public static func writeExclusively(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointFileError(path: temporary.path, reason: String(cString: strerror(errno))) }
        defer { unlink(temporary.path) }
        do {
            defer { close(fd) }
            var written = 0
            try data.withUnsafeBytes { raw in
                while written < raw.count {
                    let n = write(fd, raw.baseAddress! + written, raw.count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw CheckpointFileError(path: temporary.path, reason: String(cString: strerror(errno)))
                    }
                    written += n
                }
            }
            guard fsync(fd) == 0 else { throw CheckpointFileError(path: temporary.path, reason: String(cString: strerror(errno))) }
        }
        if link(temporary.path, url.path) != 0 {
            let code = errno
            if code == EEXIST, let existing = FileManager.default.contents(atPath: url.path), existing == data { return }
            throw CheckpointFileError(path: url.path, reason: code == EEXIST ? "the file exists and is never overwritten" : String(cString: strerror(code)))
        }
        let dirFD = open(directory.path, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }
}

/// A checkpoint file could not be written.
public struct CheckpointFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}
