/// A text prepared for the detectors: its UTF-8 bytes, a case-folded copy of the same length
/// (ASCII and Latin-1 capitals folded, so byte offsets agree) and the context words found in it.
struct ScanText {
    /// The context a nearby word gives a number or a date.
    enum Context: Sendable, Hashable {
        case ssn, routing, account, birth, licence
    }

    let bytes: [UInt8]
    let folded: [UInt8]
    /// Every context word occurrence, in text order.
    let contextWords: [(range: Range<Int>, context: Context)]

    init(_ text: String) {
        bytes = Array(text.utf8)
        folded = ScanText.fold(bytes)
        var words: [(range: Range<Int>, context: Context)] = []
        for (word, context) in ScanText.contextVocabulary {
            for range in ScanText.occurrences(of: word, in: folded) { words.append((range, context)) }
        }
        contextWords = words.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// How far before a candidate (bytes) a context word may end, and how far after it one may start.
    static let windowBefore = 40
    static let windowAfter = 25

    /// The contexts named near `range`.
    func contexts(near range: Range<Int>) -> Set<Context> {
        var found: Set<Context> = []
        for word in contextWords where isNear(word.range, range) { found.insert(word.context) }
        return found
    }

    /// The context named closest to `range`, among `among`; words before the candidate win ties.
    func nearestContext(to range: Range<Int>, among: Set<Context>) -> Context? {
        var best: (distance: Int, context: Context)?
        for word in contextWords where among.contains(word.context) && isNear(word.range, range) {
            let distance =
                word.range.upperBound <= range.lowerBound
                ? range.lowerBound - word.range.upperBound : 2 * (word.range.lowerBound - range.upperBound) + 1
            if best == nil || distance < best!.distance { best = (distance, word.context) }
        }
        return best?.context
    }

    private func isNear(_ word: Range<Int>, _ range: Range<Int>) -> Bool {
        if word.upperBound <= range.lowerBound { return range.lowerBound - word.upperBound <= Self.windowBefore }
        if word.lowerBound >= range.upperBound { return word.lowerBound - range.upperBound <= Self.windowAfter }
        return false
    }

    // MARK: Bytes

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    /// Letters, digits and any non-ASCII byte (conservatively a letter): what a word is made of.
    static func isWordByte(_ byte: UInt8) -> Bool { isDigit(byte) || isASCIILetter(byte) || byte >= 0x80 }

    /// ASCII A–Z and Latin-1 À–Þ (except ×) lowered, byte for byte.
    static func fold(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var index = 0
        while index < out.count {
            let byte = out[index]
            if byte >= 0x41 && byte <= 0x5A {
                out[index] = byte | 0x20
            } else if byte == 0xC3, index + 1 < out.count, out[index + 1] >= 0x80, out[index + 1] <= 0x9E, out[index + 1] != 0x97 {
                out[index + 1] += 0x20
                index += 1
            }
            index += 1
        }
        return out
    }

    /// Word-bounded occurrences of `word` (already folded UTF-8) in `folded`.
    static func occurrences(of word: [UInt8], in folded: [UInt8]) -> [Range<Int>] {
        guard !word.isEmpty, folded.count >= word.count else { return [] }
        var found: [Range<Int>] = []
        let first = word[0]
        var start = 0
        while start <= folded.count - word.count {
            if folded[start] == first, folded[start..<(start + word.count)].elementsEqual(word) {
                let end = start + word.count
                let boundedBefore = start == 0 || !isWordByte(folded[start - 1]) || !isWordByte(word[0])
                let boundedAfter = end == folded.count || !isWordByte(folded[end]) || !isWordByte(word[word.count - 1])
                if boundedBefore && boundedAfter {
                    found.append(start..<end)
                    start = end
                    continue
                }
            }
            start += 1
        }
        return found
    }

    /// The words that give numbers and dates their meaning, English and Spanish (folded).
    static let contextVocabulary: [([UInt8], Context)] = {
        let table: [(String, Context)] = [
            ("ssn", .ssn), ("ss#", .ssn), ("ss #", .ssn), ("social security", .ssn), ("social", .ssn), ("seguro social", .ssn),
            ("routing", .routing), ("aba", .routing), ("rtn", .routing), ("transit", .routing), ("ruta", .routing),
            ("tránsito", .routing), ("transito", .routing),
            ("account", .account), ("acct", .account), ("acc", .account), ("a/c", .account), ("checking", .account),
            ("savings", .account), ("cuenta", .account), ("ahorros", .account), ("corriente", .account),
            ("dob", .birth), ("d.o.b", .birth), ("date of birth", .birth), ("birth date", .birth), ("birthdate", .birth),
            ("birthday", .birth), ("born", .birth), ("fecha de nacimiento", .birth), ("nacimiento", .birth), ("nací", .birth),
            ("naci", .birth), ("nacido", .birth), ("nacida", .birth), ("cumpleaños", .birth), ("cumpleanos", .birth),
            ("license", .licence), ("licence", .licence), ("licencia", .licence), ("driver", .licence), ("driver's", .licence),
            ("dl", .licence), ("dl#", .licence), ("conducir", .licence),
        ]
        return table.map { (Array($0.0.utf8), $0.1) }
    }()
}
