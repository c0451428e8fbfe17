import CZstd

/// Streaming zstd compression: feed any number of chunks, get compressed bytes back as they are
/// produced, then ``finish()``. Memory stays bounded by libzstd's window, however much goes in.
///
/// The output is one standard zstd frame with a checksum (no content size: it is not known in
/// advance), which the `zstd` tool and ``Zstd/decompress(_:maxOutputBytes:)`` read.
public final class ZstdCompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    private var finished = false

    /// A compressor at `level` (within ``Zstd/supportedLevels``).
    public init(level: Int = Zstd.defaultLevel) throws {
        let supported = Zstd.supportedLevels
        guard supported.contains(level) else { throw ZstdError.invalidLevel(level, supported: supported) }
        guard let context = ZSTD_createCCtx() else { throw ZstdError.outOfMemory }
        self.context = context
        self.output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        do {
            try zstdCheck(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), failure: ZstdError.compressionFailed)
            try zstdCheck(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), failure: ZstdError.compressionFailed)
        } catch {
            ZSTD_freeCCtx(context)
            throw error
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input`, handing each piece of compressed output to `sink` (possibly none yet).
    public func compress(_ input: UnsafeRawBufferPointer, into sink: ([UInt8]) throws -> Void) throws {
        precondition(!finished, "ZstdCompressor used after finish()")
        try run(input, directive: ZSTD_e_continue, sink: sink)
    }

    /// Compresses `input`, handing each piece of compressed output to `sink`.
    public func compress(_ input: [UInt8], into sink: ([UInt8]) throws -> Void) throws {
        try input.withUnsafeBytes { try compress($0, into: sink) }
    }

    /// Ends the frame: flushes everything still buffered, and the checksum, to `sink`.
    public func finish(into sink: ([UInt8]) throws -> Void) throws {
        precondition(!finished, "ZstdCompressor.finish() called twice")
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), directive: ZSTD_e_end, sink: sink)
    }

    private func run(_ input: UnsafeRawBufferPointer, directive: ZSTD_EndDirective, sink: ([UInt8]) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            let (remaining, produced) = output.withUnsafeMutableBytes { out in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
                return (remaining, outBuffer.pos)
            }
            try zstdCheck(remaining, failure: ZstdError.compressionFailed)
            if produced > 0 { try sink(Array(output[0..<produced])) }
            let done = directive == ZSTD_e_end ? remaining == 0 : inBuffer.pos == inBuffer.size
            if done { return }
        }
    }
}

/// Streaming zstd decompression of one or more concatenated frames: feed compressed chunks, get
/// the original bytes back piece by piece, then ``finish()`` to check that the data did not end
/// inside a frame. Memory stays bounded by the frame's window (refused above 2 GiB).
public final class ZstdDecompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    private var lastHint = 0
    private var sawInput = false

    public init() throws {
        guard let context = ZSTD_createDCtx() else { throw ZstdError.outOfMemory }
        self.context = context
        self.output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses `input`, handing each piece of output to `sink`.
    /// - Throws: ``ZstdError/corruptFrame(_:)`` for data that is not zstd or is damaged.
    public func decompress(_ input: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if input.count > 0 { sawInput = true }
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            let (hint, produced) = output.withUnsafeMutableBytes { out in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                return (hint, outBuffer.pos)
            }
            try zstdCheck(hint, failure: ZstdError.corruptFrame)
            lastHint = hint
            if produced > 0 {
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if inBuffer.pos == inBuffer.size, produced < output.count { return }
        }
    }

    /// Checks that the input ended at the end of a frame.
    /// - Throws: ``ZstdError/truncatedFrame`` when it ended inside one (or nothing was given).
    public func finish() throws {
        guard sawInput, lastHint == 0 else { throw ZstdError.truncatedFrame }
    }
}

/// Throws `failure(<libzstd's error name>)` when `code` is a libzstd error code.
func zstdCheck(_ code: Int, failure: (String) -> ZstdError) throws {
    guard ZSTD_isError(code) != 0 else { return }
    if ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation { throw ZstdError.outOfMemory }
    throw failure(String(cString: ZSTD_getErrorName(code)))
}
