public import Hummingbird

/// An answer of a page other than the page itself, shown as an HTML page with the status:
/// what went wrong and what the person can do about it.
public struct PageError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// The page's heading.
    public var title: String
    /// What happened and what to do, in a sentence or two.
    public var message: String

    public init(status: HTTPResponse.Status, title: String, message: String) {
        self.status = status
        self.title = title
        self.message = message
    }

    /// 404: no such page (or a record outside the caller's scope, answered as if absent).
    public static let notFound = PageError(
        status: .notFound, title: "Page not found", message: "There is no page at this address. Check the address, or start again from the home page.")

    /// 403: the form's anti-forgery token is missing or wrong; nothing was done.
    public static let forgedForm = PageError(
        status: .forbidden, title: "Form not accepted",
        message: "This form was not accepted, and nothing was changed: it was not sent from this site's current page, "
            + "or the page was open for too long. Go back, reload the page and send the form again.")

    /// 403: the caller's roles do not allow the page.
    public static func forbidden(roles: String) -> PageError {
        PageError(
            status: .forbidden, title: "Not allowed",
            message: "Your roles (\(roles)) do not allow this page. If your work needs it, ask an admin for the role that does.")
    }

    /// 500: something failed that the person cannot fix; it is logged.
    public static let internalError = PageError(
        status: .internalServerError, title: "Something went wrong",
        message: "The page could not be shown because of an error on our side. It has been logged; try again in a moment.")

    /// 503: a part of the service the page needs does not answer or is not configured.
    public static func unavailable(_ message: String) -> PageError {
        PageError(status: .serviceUnavailable, title: "Not available right now", message: message)
    }

    /// 400: the address or form holds something the page cannot use.
    public static func badRequest(_ message: String) -> PageError {
        PageError(status: .badRequest, title: "Request not understood", message: message)
    }
}
