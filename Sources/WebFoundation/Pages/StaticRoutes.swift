import Foundation
import HTTPTypes
package import Hummingbird
import NIOCore

extension StaticAssets {
    /// `GET /static/<hash>/<name>`: a file with its content type, a year's `Cache-Control`
    /// and its hash as `ETag` (`If-None-Match` answered 304); an unknown name or an old hash is
    /// 404. `GET /favicon.ico`: the icon, for clients that ask there without reading the page.
    package func register<Context: RequestContext>(on router: Router<Context>) {
        let assets = self.assets
        router.get("static/:hash/:file") { request, context -> Response in
            guard let name = context.parameters.get("file"), let asset = assets[name], context.parameters.get("hash") == asset.hash else {
                throw HTTPError(.notFound)
            }
            return Self.answer(asset, request: request, cacheControl: Self.cacheControl)
        }
        router.get("favicon.ico") { request, _ -> Response in
            guard let icon = assets["icon.svg"] else { throw HTTPError(.notFound) }
            return Self.answer(icon, request: request, cacheControl: "public, max-age=86400")
        }
    }

    static func answer(_ asset: StaticAsset, request: Request, cacheControl: String) -> Response {
        var headers = HTTPFields()
        let etag = "\"\(asset.hash)\""
        headers[.eTag] = etag
        headers[.cacheControl] = cacheControl
        headers[.xContentTypeOptions] = "nosniff"
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        headers[.contentLength] = "\(asset.bytes.count)"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
