import CZstd

/// zstd compression through the system libzstd (the `CZstd` system-library target).
///
/// Frames are standard zstd frames (RFC 8878): the `zstd` command-line tool reads what
/// ``compress(_:level:)`` writes, and ``decompress(_:maxOutputBytes:)`` reads what the tool
/// writes, including frames without a content size (as written from a pipe).
public enum Zstd {
    /// The level used when none is given: libzstd's own default, a good speed/size balance.
    public static let defaultLevel = 3

    /// The levels this libzstd accepts (negative levels trade ratio for speed).
    public static var supportedLevels: ClosedRange<Int> {
        Int(ZSTD_minCLevel())...Int(ZSTD_maxCLevel())
    }

    /// Compresses `input` into one zstd frame that records the content size and a checksum.
    /// - Parameters:
    ///   - input: the bytes to compress; may be empty.
    ///   - level: the compression level, within ``supportedLevels``.
    /// - Returns: the frame.
    /// - Throws: ``ZstdError/invalidLevel(_:supported:)``, ``ZstdError/compressionFailed(_:)``,
    ///   ``ZstdError/outOfMemory``.
    public static func compress(_ input: [UInt8], level: Int = defaultLevel) throws -> [UInt8] {
        let supported = supportedLevels
        guard supported.contains(level) else {
            throw ZstdError.invalidLevel(level, supported: supported)
        }
        guard let context = ZSTD_createCCtx() else { throw ZstdError.outOfMemory }
        defer { ZSTD_freeCCtx(context) }
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), failure: ZstdError.compressionFailed)
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), failure: ZstdError.compressionFailed)

        let bound = ZSTD_compressBound(input.count)
        try check(bound, failure: ZstdError.compressionFailed)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { source in
                ZSTD_compress2(context, out.baseAddress, out.count, source.baseAddress, source.count)
            }
        }
        try check(written, failure: ZstdError.compressionFailed)
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses zstd data (one frame, or several concatenated), streaming, so that it works
    /// whether or not a frame records its content size.
    /// - Parameters:
    ///   - input: the compressed bytes.
    ///   - maxOutputBytes: the most bytes the result may have; decompression stops with an error
    ///     as soon as it would go beyond, so a small hostile frame cannot exhaust memory.
    /// - Returns: the original bytes.
    /// - Throws: ``ZstdError/corruptFrame(_:)`` for data that is not zstd or is damaged,
    ///   ``ZstdError/truncatedFrame`` when it ends early (including empty input),
    ///   ``ZstdError/outputTooLarge(limit:)`` beyond the bound, ``ZstdError/outOfMemory``.
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int) throws -> [UInt8] {
        precondition(maxOutputBytes >= 0, "maxOutputBytes must not be negative")
        guard !input.isEmpty else { throw ZstdError.truncatedFrame }
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR (macros Swift does not import).
        let unknown = UInt64.max
        let notAFrame = UInt64.max - 1
        if declared != unknown, declared != notAFrame, declared > UInt64(maxOutputBytes) {
            throw ZstdError.outputTooLarge(limit: maxOutputBytes)
        }
        guard let context = ZSTD_createDCtx() else { throw ZstdError.outOfMemory }
        defer { ZSTD_freeDCtx(context) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        try input.withUnsafeBytes { source in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            var remainingHint = 0
            while true {
                let (hint, produced) = chunk.withUnsafeMutableBytes { out in
                    var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    return (hint, outBuffer.pos)
                }
                try check(hint, failure: ZstdError.corruptFrame)
                guard produced <= maxOutputBytes - output.count else {
                    throw ZstdError.outputTooLarge(limit: maxOutputBytes)
                }
                output.append(contentsOf: chunk[0..<produced])
                remainingHint = hint
                // All input consumed and the output chunk not filled: libzstd has flushed
                // everything it can produce from this input.
                if inBuffer.pos == inBuffer.size, produced < chunk.count { break }
            }
            guard remainingHint == 0 else { throw ZstdError.truncatedFrame }
        }
        return output
    }

    /// Throws `failure(<libzstd's error name>)` when `code` is a libzstd error code.
    private static func check(_ code: Int, failure: (String) -> ZstdError) throws {
        guard ZSTD_isError(code) != 0 else { return }
        if ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation { throw ZstdError.outOfMemory }
        throw failure(String(cString: ZSTD_getErrorName(code)))
    }
}
