//! The served OpenAPI document matches the partner API the server really mounts.

use crate::helpers::TestApp;
use crate::on_both_engines;
use serde_json::Value;
use who_can_see::server::partner_api::{
    CHECK_BATCH_PATH, CHECK_PATH, CONSENT_REQUEST_PATH, CONSENT_REQUESTS_PATH, FRIENDS_OF_PATH, FRIENDS_PATH,
    FRIENDSHIP_PATH, FRIENDSHIPS_PATH, MAX_QUESTIONS, OPENAPI_PATH,
};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every partner (and platform) API route the server mounts, as (method, path).
fn mounted_partner_routes() -> [(&'static str, &'static str); 9] {
    [
        ("post", CHECK_PATH),
        ("post", CHECK_BATCH_PATH),
        ("post", CONSENT_REQUESTS_PATH),
        ("get", CONSENT_REQUEST_PATH),
        ("get", OPENAPI_PATH),
        ("put", FRIENDS_PATH),
        ("get", FRIENDS_OF_PATH),
        ("post", FRIENDSHIPS_PATH),
        ("delete", FRIENDSHIP_PATH),
    ]
}

async fn document(app: &TestApp) -> Value {
    let response = app.client.get(app.url(OPENAPI_PATH)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    response.json().await.unwrap()
}

fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(|method| {
                item.get(*method)
                    .map(|op| (method.to_string(), path.clone(), op.clone()))
            })
        })
        .collect()
}

async fn send_without_key(app: &TestApp, method: &str, path: &str) -> reqwest::Response {
    app.client
        .request(method.to_uppercase().parse().unwrap(), app.url(path))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap()
}

async fn every_documented_operation_answers_on_the_real_server(app: TestApp) {
    let document = document(&app).await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let operations = operations(&document);
    assert!(!operations.is_empty());
    for (method, path, operation) in &operations {
        let response = send_without_key(&app, method, path).await;
        let status = response.status().as_u16();
        assert!(status != 404 && status != 405, "{method} {path} answered {status}");
        if operation.get("security").is_some() {
            assert_eq!(status, 401, "{method} {path} needs a key");
            let error: Value = response.json().await.expect("a JSON error");
            assert_eq!(error["error"], "missing_api_key");
        }
    }
    // The methods a path does not document are not served there either.
    for path in document["paths"].as_object().unwrap().keys() {
        for method in METHODS.iter().filter(|m| document["paths"][path].get(**m).is_none()) {
            let status = send_without_key(&app, method, path).await.status();
            assert_eq!(status, 405, "{method} {path} is served but not documented");
        }
    }
}
on_both_engines!(every_documented_operation_answers_on_the_real_server);

async fn every_mounted_partner_route_is_documented_with_its_schemas(app: TestApp) {
    let document = document(&app).await;
    let documented: Vec<(String, String)> = operations(&document)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    for (method, path) in mounted_partner_routes() {
        assert!(
            send_without_key(&app, method, path).await.status() != 404,
            "{path} is mounted"
        );
        assert!(
            documented.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path} is missing from the document"
        );
    }
    assert_eq!(
        documented.len(),
        mounted_partner_routes().len(),
        "nothing is documented that is not mounted"
    );

    let scheme = &document["components"]["securitySchemes"]["partner_key"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    let schemas = &document["components"]["schemas"];
    for name in [
        "CheckRequest",
        "CheckAnswer",
        "CheckBatchRequest",
        "CheckBatchAnswer",
        "ApiErrorBody",
        "ConsentRequestBody",
        "ConsentRequestCreated",
        "ConsentRequestState",
        "AuthorizationDetail",
    ] {
        assert!(schemas.get(name).is_some(), "schema {name}");
    }
    for path in [CHECK_PATH, CHECK_BATCH_PATH] {
        let operation = &document["paths"][path]["post"];
        assert_eq!(operation["security"][0]["partner_key"], serde_json::json!([]), "{path}");
        for status in ["200", "400", "401", "403", "404", "413", "503"] {
            assert!(
                operation["responses"].get(status).is_some(),
                "{path} documents {status}"
            );
        }
        let error = &operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(error, "#/components/schemas/ApiErrorBody", "{path}");
    }
    let ask = &document["paths"][CONSENT_REQUESTS_PATH]["post"];
    assert_eq!(ask["security"][0]["partner_key"], serde_json::json!([]));
    for status in ["201", "400", "401", "404", "409", "413", "429", "503"] {
        assert!(ask["responses"].get(status).is_some(), "asking documents {status}");
    }
    assert_eq!(
        ask["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"],
        "integer"
    );
    let read = &document["paths"][CONSENT_REQUEST_PATH]["get"];
    for status in ["200", "401", "404", "503"] {
        assert!(read["responses"].get(status).is_some(), "reading documents {status}");
    }
    assert_eq!(read["parameters"][0]["name"], "id");
    assert_eq!(
        schemas["ConsentRequestState"]["properties"]["status"]["enum"],
        serde_json::json!(["pending", "approved", "refused", "expired"])
    );
    let questions = &schemas["CheckBatchRequest"]["properties"]["questions"];
    assert_eq!(
        questions["maxItems"], MAX_QUESTIONS,
        "the documented batch size is the enforced one"
    );
    let reasons = &schemas["CheckAnswer"]["properties"]["reason"]["enum"];
    assert_eq!(
        reasons,
        &serde_json::json!([
            "never_granted",
            "withdrawn",
            "revoked",
            "expired",
            "not_a_friend",
            "friend_did_not_grant",
            "refused_by_person"
        ])
    );
}
on_both_engines!(every_mounted_partner_route_is_documented_with_its_schemas);
