import NIOHTTP1

extension HTTPParserError {
    /// The status and the sentence an HTTP surface answers a malformed request with (the
    /// configuration keys that bound header counts and sizes named where they apply).
    package var statusAndReason: (status: Int, reason: String) {
        switch self {
        case .headerOverflow: (431, "too many or too large header fields (server.max_header_count, server.max_header_bytes)")
        case .invalidChunkSize: (400, "invalid chunked body")
        case .unexpectedContentLength, .invalidContentLength: (400, "invalid or conflicting Content-Length")
        case .invalidMethod: (400, "unknown or malformed method")
        case .invalidVersion: (400, "unsupported HTTP version")
        default: (400, "malformed request (\(self))")
        }
    }
}
