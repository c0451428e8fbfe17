import Access
import Hummingbird
import WebFoundation

/// `GET /`: who is signed in and the pages their roles let them use.
extension WebApplication {
    func home(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let links = WebPages.links(for: principal).filter { $0.path != "/" }
        return renderer.page(
            "home", title: "Home", frame: page.frame,
            context: [
                "name": principal.name, "roles": PageRenderer.roleList(principal),
                "teams": principal.teams.isEmpty ? "none" : principal.teams.sorted().joined(separator: ", "),
                "links": links.map { ["title": $0.title, "path": $0.path, "summary": $0.summary] },
            ])
    }
}
