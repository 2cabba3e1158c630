import GreenticTestKit
import Hummingbird
import NIOCore

/// Builds JSON responses.
package enum JSONResponse {
    public static func make(_ json: OrderedJSON, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: JSONWriter.compact(json))))
    }
}
