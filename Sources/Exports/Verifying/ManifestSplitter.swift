/// Splits `manifest.json` while it streams in, so that it is never held whole: each element of
/// the top-level `messages` array is handed over as its own bytes (to be parsed on another core),
/// and everything else, the "skeleton" with that array left empty, is kept.
///
/// The splitter follows strings and nesting only; the skeleton and each element are then parsed
/// strictly as JSON, and between elements only whitespace and single commas are accepted, so a
/// manifest is accepted exactly when it is valid JSON. A `messages` key written with escapes is
/// not recognised: its array then simply stays in the skeleton.
struct ManifestSplitter {
    /// The manifest without the elements of its `messages` array.
    private(set) var skeleton: [UInt8] = []
    /// Set when the bytes between the array's elements are not `,` and whitespace.
    private(set) var malformed = false
    /// Whether the `messages` array was found and split.
    private(set) var split = false
    private let emit: ([UInt8]) -> Void

    private enum Mode {
        case skeleton
        /// Inside the array: before the first element, after an element, after a comma.
        case arrayStart, afterElement, afterComma
        case element
    }
    private var mode = Mode.skeleton
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The string being read at depth 1 (a candidate key), at most 16 bytes of it.
    private var key: [UInt8] = []
    /// The key whose value is being read at depth 1.
    private var valueKey: [UInt8]?
    private var element: [UInt8] = []
    private var elementDepth = 0

    private static let messagesKey = Array("messages".utf8)

    /// - Parameter emit: called with the bytes of each element of `messages`, in order.
    init(emit: @escaping ([UInt8]) -> Void) {
        self.emit = emit
    }

    /// Reads the next piece of the manifest.
    mutating func feed(_ piece: UnsafeRawBufferPointer) {
        let bytes = piece.bindMemory(to: UInt8.self)
        var start = 0
        var index = 0
        let count = bytes.count
        while index < count, !malformed {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if mode == .skeleton && depth == 1 && key.count <= 16 {
                    key.append(byte)
                }
                if escaped && mode == .skeleton && depth == 1 { key = Array(repeating: 0, count: 17) }
                index += 1
                continue
            }
            switch mode {
            case .skeleton:
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 1 { key = [] }
                case UInt8(ascii: ":"):
                    if depth == 1 { valueKey = key }
                case UInt8(ascii: ","):
                    if depth == 1 { valueKey = nil }
                case UInt8(ascii: "["):
                    depth += 1
                    if depth == 2 && valueKey == Self.messagesKey && !split {
                        split = true
                        skeleton.append(contentsOf: bytes[start...index])
                        start = index + 1
                        mode = .arrayStart
                    }
                case UInt8(ascii: "{"):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                default: break
                }
            case .arrayStart, .afterElement, .afterComma:
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    break
                case UInt8(ascii: "{") where mode != .afterElement:
                    mode = .element
                    elementDepth = 1
                    element = []
                    start = index
                case UInt8(ascii: ",") where mode == .afterElement:
                    mode = .afterComma
                case UInt8(ascii: "]") where mode != .afterComma:
                    depth -= 1
                    mode = .skeleton
                    start = index
                default:
                    malformed = true
                }
            case .element:
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): elementDepth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    elementDepth -= 1
                    if elementDepth == 0 {
                        element.append(contentsOf: bytes[start...index])
                        emit(element)
                        element = []
                        mode = .afterElement
                        start = index + 1
                    }
                default: break
                }
            }
            index += 1
        }
        guard start < count, !malformed else { return }
        switch mode {
        case .skeleton: skeleton.append(contentsOf: bytes[start..<count])
        case .element: element.append(contentsOf: bytes[start..<count])
        case .arrayStart, .afterElement, .afterComma: break
        }
    }

    /// Whether the manifest ended where it may: not inside the `messages` array or a string.
    var complete: Bool { !malformed && !inString && mode == .skeleton }
}
