import Foundation
import Testing
import Zstd

/// The streaming compressor and decompressor: chunked input gives one standard frame that the
/// one-shot API and the tool read; the decompressor streams frames back, whatever the chunking.
@Suite("zstd streaming")
struct ZstdStreamTests {
    static let sample: [UInt8] = {
        var bytes: [UInt8] = []
        for index in 0..<200_000 { bytes += Array("line \(index % 1013) of a stream\n".utf8) }
        return bytes
    }()

    func compressInChunks(_ input: [UInt8], chunk: Int) throws -> [UInt8] {
        let compressor = try ZstdCompressor(level: 3)
        var out: [UInt8] = []
        var offset = 0
        while offset < input.count {
            let end = min(offset + chunk, input.count)
            try compressor.compress(Array(input[offset..<end])) { out += $0 }
            offset = end
        }
        try compressor.finish { out += $0 }
        return out
    }

    @Test("chunked compression gives a frame the one-shot decompressor and the zstd tool read", arguments: [1, 4096, 1 << 20])
    func roundTrip(chunk: Int) throws {
        let input = chunk == 1 ? Array(Self.sample.prefix(20_000)) : Self.sample
        let frame = try compressInChunks(input, chunk: chunk)
        #expect(frame.count < input.count / 5)
        #expect(try Zstd.decompress(frame, maxOutputBytes: input.count) == input)
        #expect(try ZstdCommandLineTests.runZstd(["-d", "-c", "-q"], input: frame) == input)
    }

    @Test("the streaming decompressor reads concatenated frames fed in small pieces")
    func streamingDecompress() throws {
        let frames = try compressInChunks(Self.sample, chunk: 65_536) + (try Zstd.compress(Array("tail".utf8)))
        let decompressor = try ZstdDecompressor()
        var out: [UInt8] = []
        var offset = 0
        while offset < frames.count {
            let end = min(offset + 777, frames.count)
            try Array(frames[offset..<end]).withUnsafeBytes { raw in try decompressor.decompress(raw) { out += Array($0) } }
            offset = end
        }
        try decompressor.finish()
        #expect(out == Self.sample + Array("tail".utf8))
    }

    @Test("a frame cut short is reported as truncated; garbage as corrupt")
    func failures() throws {
        let frame = try compressInChunks(Self.sample, chunk: 1 << 20)
        let cut = try ZstdDecompressor()
        try Array(frame.prefix(frame.count / 2)).withUnsafeBytes { raw in try cut.decompress(raw) { _ in } }
        #expect(throws: ZstdError.truncatedFrame) { try cut.finish() }
        let garbage = try ZstdDecompressor()
        #expect(throws: ZstdError.self) {
            try Array("this is not zstd at all".utf8).withUnsafeBytes { raw in try garbage.decompress(raw) { _ in } }
        }
    }
}
