import Testing
import Zstd

/// Damaged, cut-off and oversized input fail with an error that says so.
@Suite("zstd failures")
struct ZstdFailureTests {
    static let original: [UInt8] = Array(repeating: Array("the quick brown fox ".utf8), count: 2000).flatMap { $0 }

    @Test("bytes that are not zstd are refused as a corrupt frame")
    func notZstd() {
        #expect {
            try Zstd.decompress(Array("plainly not compressed".utf8), maxOutputBytes: 1000)
        } throws: { error in
            guard case .corruptFrame = error as? ZstdError else { return false }
            return true
        }
    }

    @Test("a flipped byte inside the frame is detected (frames carry a checksum)")
    func flippedByte() throws {
        var frame = try Zstd.compress(Self.original)
        frame[frame.count - 6] ^= 0xff
        #expect {
            try Zstd.decompress(frame, maxOutputBytes: Self.original.count)
        } throws: { error in
            guard case .corruptFrame = error as? ZstdError else { return false }
            return true
        }
    }

    @Test("a frame cut short is reported as truncated", arguments: [1, 10, 2])
    func truncated(divisor: Int) throws {
        let frame = try Zstd.compress(Self.original)
        let cut = Array(frame.prefix(frame.count / divisor - (divisor == 1 ? 1 : 0)))
        #expect(throws: ZstdError.truncatedFrame) {
            try Zstd.decompress(cut, maxOutputBytes: Self.original.count)
        }
    }

    @Test("empty input is not a frame")
    func emptyInput() {
        #expect(throws: ZstdError.truncatedFrame) { try Zstd.decompress([], maxOutputBytes: 10) }
    }

    @Test("output beyond the bound is refused; exactly the bound is allowed")
    func bound() throws {
        let frame = try Zstd.compress(Self.original)
        #expect(throws: ZstdError.outputTooLarge(limit: Self.original.count - 1)) {
            try Zstd.decompress(frame, maxOutputBytes: Self.original.count - 1)
        }
        #expect(try Zstd.decompress(frame, maxOutputBytes: Self.original.count) == Self.original)
    }

    @Test("the error messages tell the user what to do")
    func messages() {
        #expect(ZstdError.truncatedFrame.description.contains("cut off"))
        #expect(ZstdError.outputTooLarge(limit: 10).description.contains("more than 10 bytes"))
        #expect(ZstdError.invalidLevel(99, supported: -5...22).description.contains("from -5 to 22"))
    }
}
