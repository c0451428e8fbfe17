/// A labelled `<select>` (`requests-choice.mustache`) or `<textarea>` (`requests-textarea.mustache`)
/// with its hint and an error tied to it, as ``FormField`` is for inputs.
struct RequestsField {
    var id: String
    var label: String
    /// The `name` the form posts it under; the id when nil.
    var name: String? = nil
    var value = ""
    var hint: String? = nil
    var error: String? = nil
    var required = true
    /// For a `<select>`: its options (value, title); the one equal to ``value`` is selected.
    var options: [(value: String, title: String)] = []
    /// For a `<textarea>`: its height in lines.
    var rows = 4

    var context: [String: Any] {
        var context: [String: Any] = [
            "id": id, "name": name ?? id, "label": label, "value": value, "required": required, "rows": rows,
            "options": options.map { ["value": $0.value, "title": $0.title, "selected": $0.value == value] },
        ]
        var described: [String] = []
        if let hint {
            context["hint"] = ["text": hint]
            described.append("\(id)-hint")
        }
        if let error {
            context["error"] = ["text": error]
            described.append("\(id)-error")
        }
        if !described.isEmpty { context["describedBy"] = ["text": described.joined(separator: " ")] }
        return context
    }
}
