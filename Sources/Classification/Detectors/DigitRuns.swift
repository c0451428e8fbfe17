/// Numbers in a text, as the number detectors see them.
///
/// A *chunk* is digits joined by single dashes (`123-45-6789`); a *run* is chunks joined by
/// single spaces (`4111 1111 1111 1111`). A run starts and ends at a word boundary, so digits
/// inside a longer alphanumeric token (`A1234567`, `WDL…`) are never candidates. A chunk glued to
/// more digits by other punctuation (`1,500,000`, `3.14`, `03/04/1985`, `+1`) is *tainted*: it is
/// part of an amount, a date or a phone number, and no number detector uses it.
struct DigitChunk {
    var range: Range<Int>
    /// Digit counts of the dash-separated groups.
    var groups: [Int]
    /// All digits, as values 0…9.
    var digits: [UInt8]
    var tainted: Bool
}

enum DigitRuns {
    static func runs(in bytes: [UInt8]) -> [[DigitChunk]] {
        var runs: [[DigitChunk]] = []
        var index = 0
        let count = bytes.count
        func at(_ i: Int) -> UInt8? { i >= 0 && i < count ? bytes[i] : nil }
        while index < count {
            guard ScanText.isDigit(bytes[index]) else {
                index += 1
                continue
            }
            // Digits right after a letter belong to a word (`A123`, `WDL123`): skip the word.
            if let previous = at(index - 1), ScanText.isASCIILetter(previous) || previous >= 0x80 {
                while index < count, ScanText.isWordByte(bytes[index]) { index += 1 }
                continue
            }
            var run: [DigitChunk] = []
            // `+1 360…` is a phone number and `$1234` an amount.
            var taintNext = at(index - 1) == UInt8(ascii: "+") || at(index - 1) == UInt8(ascii: "$")
            var letterGlued = false
            while true {
                // One chunk.
                let start = index
                var groups: [Int] = []
                var digits: [UInt8] = []
                while true {
                    var length = 0
                    while index < count, ScanText.isDigit(bytes[index]) {
                        digits.append(bytes[index] - 0x30)
                        length += 1
                        index += 1
                    }
                    groups.append(length)
                    if at(index) == UInt8(ascii: "-"), let next = at(index + 1), ScanText.isDigit(next) {
                        index += 1
                        continue
                    }
                    break
                }
                var chunk = DigitChunk(range: start..<index, groups: groups, digits: digits, tainted: taintNext)
                taintNext = false
                if let next = at(index), [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: ":")].contains(next),
                    let after = at(index + 1), ScanText.isDigit(after)
                {
                    chunk.tainted = true
                    taintNext = true
                }
                if let next = at(index), ScanText.isASCIILetter(next) || next >= 0x80 { letterGlued = true }
                run.append(chunk)
                if !taintNext, at(index) == UInt8(ascii: " "), let next = at(index + 1), ScanText.isDigit(next) {
                    index += 1
                    continue
                }
                if taintNext {
                    index += 1
                    continue
                }
                break
            }
            if letterGlued, var last = run.popLast() {
                // `123abc`: the last chunk is part of a word.
                last.tainted = true
                run.append(last)
            }
            runs.append(run)
            while index < count, ScanText.isWordByte(bytes[index]) { index += 1 }
        }
        return runs
    }
}
