import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs one HTTP request with URLSession and collects the body up to a byte limit, cancelling the
/// transfer as soon as the limit is passed (so an oversized answer never sits in memory whole).
/// Redirects are not followed, so the API key never goes anywhere but the configured address.
final class OpenAIResponseReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// What came back: the status and the whole body.
    struct Response: Sendable {
        var status: Int
        var body: [UInt8]
    }

    /// Thrown when the body passes the limit.
    struct BodyTooLarge: Error {}

    private let limit: Int
    // Guarded by `lock`.
    private let lock = NSLock()
    private var body: [UInt8] = []
    private var isOverLimit = false
    private var continuation: CheckedContinuation<Response, any Error>?

    private init(limit: Int) {
        self.limit = limit
    }

    /// Sends `request` and returns the response, or throws `BodyTooLarge`, `CancellationError` or the
    /// URLSession error. Cancelling the calling task cancels the transfer.
    static func fetch(_ request: URLRequest, limit: Int) async throws -> Response {
        let reader = OpenAIResponseReader(limit: limit)
        let session = URLSession(configuration: .ephemeral, delegate: reader, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Response, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                reader.lock.withLock { reader.continuation = continuation }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let cancel = lock.withLock { () -> Bool in
            guard !isOverLimit else { return false }
            guard body.count + data.count <= limit else {
                isOverLimit = true
                body = []
                return true
            }
            body.append(contentsOf: data)
            return false
        }
        if cancel { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let status = (task.response as? HTTPURLResponse)?.statusCode ?? 0
        let (continuation, result) = lock.withLock {
            () -> (CheckedContinuation<Response, any Error>?, Result<Response, any Error>) in
            let continuation = self.continuation
            self.continuation = nil
            if isOverLimit { return (continuation, .failure(BodyTooLarge())) }
            if let error { return (continuation, .failure(error)) }
            let response = Response(status: status, body: body)
            body = []
            return (continuation, .success(response))
        }
        continuation?.resume(with: result)
    }
}
