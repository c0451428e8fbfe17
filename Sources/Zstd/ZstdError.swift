/// Why zstd compression or decompression failed.
///
/// Each case says what happened and what to do about it; none carries the data itself.
public enum ZstdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The compression level is outside what this libzstd supports.
    case invalidLevel(Int, supported: ClosedRange<Int>)
    /// libzstd could not compress the input (it names the reason).
    case compressionFailed(String)
    /// The input is not a valid zstd frame (libzstd names the reason).
    case corruptFrame(String)
    /// The input ended before the last zstd frame was complete.
    case truncatedFrame
    /// Decompressing would produce more than the allowed number of bytes.
    case outputTooLarge(limit: Int)
    /// libzstd could not allocate its working state.
    case outOfMemory

    public var description: String {
        switch self {
        case let .invalidLevel(level, supported):
            "zstd compression level \(level) is not supported: choose a level from \(supported.lowerBound) to \(supported.upperBound) (3 is the usual default)"
        case let .compressionFailed(reason):
            "zstd compression failed (libzstd: \(reason)); the input was not stored compressed"
        case let .corruptFrame(reason):
            "the data is not a valid zstd frame (libzstd: \(reason)): it is damaged or was never zstd-compressed; restore it from a copy"
        case .truncatedFrame:
            "the zstd frame ends early: the data was cut off (an interrupted write or download); restore the complete data"
        case let .outputTooLarge(limit):
            "the zstd data decompresses to more than \(limit) bytes, the allowed maximum: raise the limit if the data is trusted and expected to be that large"
        case .outOfMemory:
            "libzstd could not allocate its working memory: free memory and try again"
        }
    }
}
