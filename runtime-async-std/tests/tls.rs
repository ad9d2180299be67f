//! `wss://` and `https://` through futures-rustls, under async-std and smol.

mod common;

use common::{instance, within, FakeGateway, FakeHttp, Rt};
use futures_lite::future;
use stoat_core::cache::Change;
use stoat_core::http::routes::FetchInstance;

on_both_executors!(gateway_and_rest_over_tls);

async fn gateway_and_rest_over_tls(rt: Rt) {
    let (acceptor, client_tls) = common::localhost_tls();
    let gateway = FakeGateway::bind_tls(acceptor.clone()).await;
    let http = FakeHttp::bind_tls(acceptor).await;
    let mut client = rt
        .builder(common::config(&http.url, &gateway.url))
        .root_certificates(vec![client_tls])
        .connect()
        .await
        .unwrap();

    let _conn = gateway.accept_ready().await;
    loop {
        let update = within("event", client.next_event()).await.unwrap().unwrap();
        if update.change == Change::Ready {
            break;
        }
    }

    let body = instance("wss://over-tls.example");
    let (info, ()) = future::zip(within("execute", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        conn.request().await;
        conn.respond(200, &body).await;
    })
    .await;
    assert_eq!(info.unwrap().ws, "wss://over-tls.example");
}
