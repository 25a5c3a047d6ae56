//! Secrets and tokens never appear when credentials are formatted.

use cams_signer::Credentials;

#[test]
fn debug_and_display_never_show_the_secret_or_the_token() {
    let secret = "VerySecretValue0123456789abcdef";
    let token = "CAIS1234-sts-token-value-abcdef";
    for creds in [
        Credentials::new("LTAI5tTestAccessKeyId", secret),
        Credentials::new("STS.NUgYrLnoC37mZZCNnAbez2bmH", secret).with_security_token(token),
    ] {
        for shown in [
            format!("{creds:?}"),
            format!("{creds:#?}"),
            format!("{creds}"),
        ] {
            assert!(
                shown.contains(creds.access_key_id()),
                "the id is shown: {shown}"
            );
            assert!(!shown.contains(secret), "secret leaked: {shown}");
            assert!(!shown.contains(token), "token leaked: {shown}");
            // Not even a recognisable prefix of them.
            assert!(
                !shown.contains("VerySecret") && !shown.contains("CAIS1234"),
                "{shown}"
            );
        }
    }
}

#[test]
fn accessors_return_what_was_given() {
    let creds = Credentials::new("id", "secret").with_security_token("token");
    assert_eq!(
        (
            creds.access_key_id(),
            creds.access_key_secret(),
            creds.security_token()
        ),
        ("id", "secret", Some("token"))
    );
    assert_eq!(
        Credentials::new("id", "s")
            .with_security_token("")
            .security_token(),
        None
    );
}
