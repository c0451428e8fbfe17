/// One labelled input of a form, as the `field` template renders it: its label, an optional
/// hint, and an error tied to the input with `aria-describedby` and `aria-invalid`.
struct FormField {
    var id: String
    var label: String
    var type = "text"
    /// The `name` the form posts it under; the id when nil.
    var name: String? = nil
    var value = ""
    var autocomplete: String? = nil
    var inputMode: String? = nil
    var hint: String? = nil
    var error: String? = nil
    var required = true
    /// Ids of other elements that describe it (a form-level error).
    var describedBy: [String] = []

    /// The template's context.
    var context: [String: Any] {
        var context: [String: Any] = [
            "id": id, "name": name ?? id, "label": label, "type": type, "value": type == "password" ? "" : value, "required": required,
        ]
        var described = describedBy
        if let hint {
            context["hint"] = ["text": hint]
            described.append("\(id)-hint")
        }
        if let error {
            context["error"] = ["text": error]
            context["invalid"] = true
            described.append("\(id)-error")
        }
        if let autocomplete { context["autocomplete"] = ["text": autocomplete] }
        if let inputMode { context["inputmode"] = ["text": inputMode] }
        if !described.isEmpty { context["describedBy"] = ["text": described.joined(separator: " ")] }
        return context
    }
}
