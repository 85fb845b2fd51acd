import Foundation

/// Why a document operation was refused, beyond access and validation (`AccountError`).
public enum DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is larger than the per-file limit (bytes).
    case tooLarge(limit: Int64)
    /// The upload would take the member past their storage quota (bytes).
    case quotaExceeded(limit: Int64)
    /// The bytes are not a type Haven accepts; `detected` names what they are.
    case refusedType(detected: String)
    /// Another version of this document is being uploaded right now.
    case uploadInProgress
    /// A moderator already decided on this version.
    case alreadyDecided
    /// The requested byte range lies outside the file (`size` bytes).
    case rangeNotSatisfiable(size: Int64)
    /// A stored chunk failed authentication: the data was altered or damaged.
    case integrityFailure(document: UUID, version: Int, chunk: Int)
    /// The data key was sealed under a master key this server does not hold.
    case masterKeyUnavailable(keyID: String)
    /// The upload ended before the file did (the client went away or sent a broken body).
    case incompleteUpload(String)
    /// The antivirus found this signature in the file.
    case infected(signature: String)
    /// The antivirus could not scan the file (so it is not accepted); the reason is for the log.
    case scanFailed(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the file is larger than the limit of \(limit) bytes"
        case .quotaExceeded(let limit): "the upload would exceed your storage quota of \(limit) bytes"
        case .refusedType(let detected): "this type of file is not accepted (detected: \(detected))"
        case .uploadInProgress: "another version of this document is being uploaded; try again when it is done"
        case .alreadyDecided: "a moderator has already decided on this version"
        case .rangeNotSatisfiable(let size): "the range is outside the file of \(size) bytes"
        case .integrityFailure(let document, let version, let chunk):
            "document \(document) version \(version) chunk \(chunk) failed authentication"
        case .masterKeyUnavailable(let keyID): "the master key \(keyID) is not configured"
        case .incompleteUpload(let reason): "the upload was incomplete: \(reason)"
        case .infected(let signature): "the antivirus found \(signature) in the file"
        case .scanFailed(let reason): "the antivirus could not scan the file: \(reason)"
        }
    }
}
