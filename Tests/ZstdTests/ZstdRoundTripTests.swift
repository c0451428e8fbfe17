import Testing
import Zstd

/// What goes in comes out, for the shapes of data the archive stores.
@Suite("zstd round trips")
struct ZstdRoundTripTests {
    @Test("empty input compresses to a frame that decompresses to nothing")
    func empty() throws {
        let frame = try Zstd.compress([])
        #expect(!frame.isEmpty, "an empty input still gives a zstd frame")
        #expect(try Zstd.decompress(frame, maxOutputBytes: 0) == [])
    }

    @Test("a short text round-trips")
    func small() throws {
        let text = Array("Public record: the permit application was received on 1 December.".utf8)
        #expect(try Zstd.decompress(try Zstd.compress(text), maxOutputBytes: text.count) == text)
    }

    @Test("5 MB of repetitive data round-trips and shrinks a lot")
    func compressible() throws {
        let line = Array("2026-12-01T12:00:00Z inbound message from citizen 16505551234\n".utf8)
        var data: [UInt8] = []
        while data.count < 5_000_000 { data += line }
        let frame = try Zstd.compress(data)
        #expect(frame.count < data.count / 20)
        #expect(try Zstd.decompress(frame, maxOutputBytes: data.count) == data)
    }

    @Test("random bytes round-trip (and do not shrink)", arguments: [1, 1000, 300_000])
    func random(count: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let frame = try Zstd.compress(data)
        #expect(frame.count >= data.count)
        #expect(try Zstd.decompress(frame, maxOutputBytes: count) == data)
    }

    @Test("every supported level round-trips; an unsupported level is refused", arguments: [1, 3, 19])
    func levels(level: Int) throws {
        let data = Array(repeating: Array("abc".utf8), count: 10_000).flatMap { $0 }
        #expect(try Zstd.decompress(try Zstd.compress(data, level: level), maxOutputBytes: data.count) == data)
    }

    @Test("a level beyond libzstd's range is refused with the supported range")
    func invalidLevel() {
        let tooHigh = Zstd.supportedLevels.upperBound + 1
        #expect(throws: ZstdError.invalidLevel(tooHigh, supported: Zstd.supportedLevels)) {
            try Zstd.compress([1, 2, 3], level: tooHigh)
        }
    }
}
