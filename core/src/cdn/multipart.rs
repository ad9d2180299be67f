//! `multipart/form-data` encoding of a single file field (RFC 7578).

use bytes::{BufMut, Bytes, BytesMut};

/// Encodes one file part named `field`. Returns the content type (with its boundary) and body.
pub(crate) fn encode_file(
    field: &str,
    filename: &str,
    content_type: &str,
    content: &[u8],
) -> (String, Bytes) {
    let boundary = choose_boundary(content);
    // Quotes and line breaks would end the header value early; percent-style escaping as
    // browsers do keeps the name intact for the server.
    let filename = filename
        .replace('\\', "\\\\")
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let mut body = BytesMut::with_capacity(content.len() + 256);
    body.put_slice(b"--");
    body.put_slice(boundary.as_bytes());
    body.put_slice(b"\r\n");
    body.put_slice(
        format!("Content-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n")
            .as_bytes(),
    );
    body.put_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
    body.put_slice(content);
    body.put_slice(b"\r\n--");
    body.put_slice(boundary.as_bytes());
    body.put_slice(b"--\r\n");
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.freeze(),
    )
}

/// A boundary that does not occur in the content (deterministic: no randomness in core).
fn choose_boundary(content: &[u8]) -> String {
    (0u32..)
        .map(|n| format!("stoat-rs-boundary-{n:08x}"))
        .find(|candidate| memchr::memmem::find(content, candidate.as_bytes()).is_none())
        .expect("some boundary is absent from any finite content")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_avoids_the_content() {
        let content = b"--stoat-rs-boundary-00000000 inside";
        let (content_type, body) = encode_file("file", "a.txt", "text/plain", content);
        assert!(content_type.ends_with("stoat-rs-boundary-00000001"));
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with("--stoat-rs-boundary-00000001\r\n"));
        assert!(text.contains("name=\"file\"; filename=\"a.txt\""));
        assert!(text.ends_with("\r\n--stoat-rs-boundary-00000001--\r\n"));
    }

    #[test]
    fn filenames_cannot_break_the_header() {
        let (_, body) = encode_file("file", "a\"b\r\nc.txt", "text/plain", b"x");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("filename=\"a%22b%0D%0Ac.txt\""));
    }
}
