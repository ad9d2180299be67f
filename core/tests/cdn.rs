//! File server uploads and asset URLs.

use http::StatusCode;
use stoat_core::cdn::{asset_url, emoji_url, original_url, Tag, Upload, UploadedFile};
use stoat_core::http::{parse_error, parse_response, Error, ErrorType, Rest, ValidationError};
use stoat_core::model::File;
use stoat_core::ratelimit::Bucket;
use stoat_core::Token;

fn rest() -> Rest {
    Rest::new("http://api.test", Some(Token::session("sess"))).with_autumn_base("http://cdn.test/")
}

#[test]
fn uploads_are_multipart_posts_to_the_tag_with_the_upload_bucket() {
    let upload = Upload::new(Tag::Avatars, "me.png", "image/png", b"\x89PNG....".to_vec()).unwrap();
    let prepared = rest().prepare(&upload).unwrap();
    assert_eq!(prepared.bucket.bucket, Bucket::Upload);
    assert_eq!(prepared.bucket.resource.as_deref(), Some("avatars"));
    let request = prepared.to_http();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri(), "http://cdn.test/avatars");
    assert_eq!(request.headers()["x-session-token"], "sess");
    let content_type = request.headers()["content-type"].to_str().unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let body = String::from_utf8_lossy(request.body());
    assert!(body.starts_with(&format!("--{boundary}\r\n")));
    assert!(body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"me.png\"\r\n"));
    assert!(body.contains("Content-Type: image/png\r\n\r\n\u{FFFD}PNG...."));
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
}

#[test]
fn every_tag_enforces_its_size_limit_before_sending() {
    for tag in Tag::ALL {
        assert!(Upload::new(tag, "f", "image/png", vec![0u8; tag.max_size()]).is_ok());
        assert!(matches!(
            Upload::new(tag, "f", "image/png", vec![0u8; tag.max_size() + 1]),
            Err(ValidationError::TooLong { field: "file", .. })
        ));
    }
    assert!(Upload::new(Tag::Attachments, "f", "text/plain", Vec::new()).is_err());
    assert!(Upload::with_limit(Tag::Attachments, "f", "text/plain", vec![0; 11], 10).is_err());
}

#[test]
fn uploading_without_a_file_server_url_is_a_clear_error() {
    let rest = Rest::new("http://api.test", None);
    let upload = Upload::new(Tag::Attachments, "a.txt", "text/plain", b"hi".to_vec()).unwrap();
    assert!(matches!(rest.prepare(&upload), Err(Error::Usage(_))));
}

#[test]
fn upload_responses_and_errors_parse() {
    let ok = http::Response::builder()
        .status(200)
        .body(bytes::Bytes::from_static(
            br#"{"id":"Yx4m3PdZ0lMvqk7i3u2nOfTsy9Xc2LbHjwRaeB6KgW"}"#,
        ))
        .unwrap();
    let file: UploadedFile = parse_response(&ok).unwrap();
    assert_eq!(file.id.len(), 42);
    let too_large = parse_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        br#"{"type":"FileTooLarge","max":4000000,"location":"crates/services/autumn/src/api.rs:1:1"}"#,
    );
    assert_eq!(
        too_large.api().unwrap().error,
        ErrorType::FileTooLarge { max: 4_000_000 }
    );
}

#[test]
fn asset_urls_follow_the_file_server_layout() {
    let file: File = serde_json::from_str(
        r#"{"_id":"abc","tag":"attachments","filename":"my notes.txt","metadata":{"type":"Text"},"content_type":"text/plain","size":5}"#,
    )
    .unwrap();
    assert_eq!(
        asset_url("https://cdn.test/", &file),
        "https://cdn.test/attachments/abc"
    );
    assert_eq!(
        original_url("https://cdn.test", &file),
        "https://cdn.test/attachments/abc/my%20notes.txt"
    );
    assert_eq!(
        emoji_url(
            "https://cdn.test",
            "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap()
        ),
        "https://cdn.test/emojis/01M7YSZ8V6D4QNP163AMRA3ARS"
    );
}
