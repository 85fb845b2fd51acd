import Foundation
import Hummingbird
import OpenSSLTLS

/// The interface's style sheet and script, served by Haven under names that carry a hash of
/// their content, so browsers may keep them for a year and still never run a stale copy.
public enum WebAssets {
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let body: ByteBuffer
    }

    static let css = asset("haven.css", type: "text/css; charset=utf-8")
    static let js = asset("haven.js", type: "text/javascript; charset=utf-8")

    /// The assets' paths, for templates.
    static var paths: [String: String] { ["css": css.path, "js": js.path] }

    static func asset(_ name: String, type: String) -> Asset {
        let text = EmbeddedFiles.all.first { $0.name == name }?.contents ?? ""
        let hash = SHA256.hash(Array(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let parts = name.split(separator: ".")
        return Asset(path: "/web/assets/\(parts[0])-\(hash).\(parts[1])", contentType: type, body: ByteBuffer(string: text))
    }

    /// Serves `css` and `js` at their hashed paths.
    static var routes: [WebRoute] {
        [css, js].map { asset in
            WebRoute(.get, asset.path, audience: .everyone) { _ in
                var headers = HTTPFields()
                headers[.contentType] = asset.contentType
                headers[.cacheControl] = "public, max-age=31536000, immutable"
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
            }
        }
    }
}
