import COpenSSL
import COpenSSLShims
import NIOCore
import Synchronization

/// One TLS session: an OpenSSL `SSL` object between two memory BIOs. Ciphertext from the network
/// goes into the read BIO; ciphertext for the network comes out of the write BIO. Used only on
/// its channel's event loop.
final class TLSConnection {
    let ssl: OpaquePointer
    /// The context's count of live sessions, kept up to date for leak checks.
    private let counters: TLSContext.Counters
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer

    /// Takes ownership of `ssl`.
    init?(ssl: OpaquePointer, server: Bool, counters: TLSContext.Counters) {
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            return nil
        }
        // An empty read BIO means "wait for more", not end of file.
        _ = haven_BIO_set_mem_eof_return(readBIO, -1)
        _ = haven_BIO_set_mem_eof_return(writeBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)  // The SSL now owns both BIOs.
        if server { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.counters = counters
        counters.sessions.add(1, ordering: .relaxed)
    }

    deinit {
        SSL_free(self.ssl)
        self.counters.sessions.subtract(1, ordering: .relaxed)
    }

    enum Outcome {
        case done
        case wantRead
        /// The peer sent close_notify.
        case closed
        case failed(String)
    }

    /// Hands ciphertext from the network to OpenSSL.
    func feed(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = BIO_write(self.readBIO, bytes.baseAddress.map { $0 + offset }, Int32(bytes.count - offset))
                if written <= 0 { break }
                offset += Int(written)
            }
        }
    }

    func handshake() -> Outcome {
        ERR_clear_error()
        let result = SSL_do_handshake(self.ssl)
        return result == 1 ? .done : self.outcome(of: result)
    }

    /// Decrypts what it can into `buffer` (appending); `.done` when some bytes were added.
    func read(into buffer: inout ByteBuffer, upTo count: Int) -> Outcome {
        ERR_clear_error()
        var result: Int32 = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
            result = SSL_read(self.ssl, pointer.baseAddress, Int32(min(pointer.count, Int(Int32.max))))
            return result > 0 ? Int(result) : 0
        }
        return result > 0 ? .done : self.outcome(of: result)
    }

    /// Encrypts `buffer` into TLS records (memory BIOs never refuse a write).
    func write(_ buffer: ByteBuffer) -> Outcome {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                ERR_clear_error()
                let written = SSL_write(self.ssl, bytes.baseAddress.map { $0 + offset }, Int32(min(bytes.count - offset, Int(Int32.max))))
                if written <= 0 { return self.outcome(of: written) }
                offset += Int(written)
            }
            return .done
        }
    }

    /// Queues our close_notify.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(self.ssl)
        ERR_clear_error()
    }

    /// The ciphertext OpenSSL has produced, if any.
    func takeOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = Int(haven_BIO_pending(self.writeBIO))
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { pointer in
            Int(max(0, BIO_read(self.writeBIO, pointer.baseAddress, Int32(pending))))
        }
        return buffer
    }

    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    var version: String { String(cString: SSL_get_version(self.ssl)) }

    var cipher: String {
        SSL_get_current_cipher(self.ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "none"
    }

    private func outcome(of result: Int32) -> Outcome {
        switch SSL_get_error(self.ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        case SSL_ERROR_ZERO_RETURN: return .closed
        default: return .failed(OpenSSLErrorQueue.drain())
        }
    }
}
