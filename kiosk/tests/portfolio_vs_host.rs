//! The kiosk reads a portfolio exactly as `silkscore score` does: every row's status,
//! coverage and score bits, and every refusal, are compared with the host's records reader
//! and scorer (`silkscore_host::records`, `silkscore_host::scoring`) on generated files, fed
//! to the kiosk in chunks of random sizes.

use proptest::prelude::*;
use silkscore::model::Model;
use silkscore::BRI_CULTURAL_V1;
use silkscore_host::records::{Limits, RecordsReader};
use silkscore_host::scoring::score_row;
use silkscore_kiosk::out::Out;
use silkscore_kiosk::portfolio::{Portfolio, MAX_ITEM};

const N: usize = 300;
const C: usize = 8;

/// One event of reading a file, in a form both readers can produce.
#[derive(Debug, PartialEq)]
enum Event {
    Header,
    Row {
        line: u64,
        index: u64,
        status: String,
        coverage: Option<[u32; 3]>,
        values: Option<[u32; 4]>,
        id: String,
        name: String,
    },
    Fatal {
        line: u64,
    },
}

fn host_events(model: &Model, input: &[u8]) -> Vec<Event> {
    let limits = Limits {
        max_record_bytes: N,
        max_columns: C,
    };
    let mut events = Vec::new();
    let reader = RecordsReader::builder(model)
        .limits(limits)
        .from_reader(input, "p.csv");
    let reader = match reader {
        Ok(r) => r,
        Err(e) => {
            events.push(Event::Fatal {
                line: e.line().unwrap_or(0),
            });
            return events;
        }
    };
    events.push(Event::Header);
    for row in reader {
        match row {
            Ok(row) => {
                let o = score_row(model, &row.record);
                let bits = |c: [f32; 3]| c.map(f32::to_bits);
                events.push(Event::Row {
                    line: row.line,
                    index: row.index,
                    status: o.status(),
                    coverage: o.coverage.map(bits),
                    values: o.result.as_ref().ok().map(|s| s.values().map(f32::to_bits)),
                    // The page gets at most 256 bytes of an id, cut from the raw cell (the
                    // host replaces invalid UTF-8 before): compare the first 64 characters,
                    // as for names.
                    id: row.id.chars().take(64).collect(),
                    name: row.name.chars().take(64).collect(),
                });
            }
            Err(e) => events.push(Event::Fatal {
                line: e.line().unwrap_or(0),
            }),
        }
    }
    events
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        s
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take(2).try_into().unwrap())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().unwrap())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().unwrap())
    }
    fn text16(&mut self) -> String {
        let n = usize::from(self.u16());
        String::from_utf8_lossy(self.take(n)).trim().to_owned()
    }
}

fn status(model: &Model, code: u8, arg: u16) -> String {
    let id = |i: u16| model.indicators()[usize::from(i)].id.as_str().to_owned();
    match code {
        0 => "ok".into(),
        1 if arg == u16::MAX => "parse:id".into(),
        1 => format!("parse:{}", id(arg)),
        2 => "parse:fields".into(),
        3 => format!("non_finite:{}", id(arg)),
        4 => format!(
            "insufficient_data:{}",
            ["cultural", "economic", "security"][usize::from(arg)]
        ),
        _ => "error".into(),
    }
}

fn kiosk_events(model: &Model, input: &[u8], chunks: &[usize]) -> Vec<Event> {
    let mut p: Box<Portfolio<N, C>> = Box::default();
    p.reset();
    let mut buf = vec![0u8; 2 * MAX_ITEM];
    let mut events = Vec::new();
    let decode = |bytes: &[u8], events: &mut Vec<Event>| {
        let mut r = Reader { b: bytes, at: 0 };
        while r.at < bytes.len() {
            match r.u8() {
                1 => {
                    r.u64();
                    r.u32();
                    r.u8();
                    r.u32();
                    let unknown = r.u32().min(16);
                    for _ in 0..unknown {
                        let n = usize::from(r.u8());
                        r.take(n);
                    }
                    events.push(Event::Header);
                }
                2 => {
                    let line = r.u64();
                    let index = r.u64();
                    let (code, arg) = (r.u8(), r.u16());
                    let _grade = r.u8();
                    let has_cov = r.u8() == 1;
                    let cov = [r.u32(), r.u32(), r.u32()];
                    let values = (code == 0).then(|| {
                        let v = [r.u32(), r.u32(), r.u32(), r.u32()];
                        for _ in 0..4 {
                            r.u16();
                        }
                        let n = usize::from(r.u8());
                        let msg = r.take(n);
                        let s = silkscore::wire::decode_scores(msg).unwrap();
                        assert_eq!(s.values().map(f32::to_bits), v);
                        v
                    });
                    let id: String = r.text16().chars().take(64).collect();
                    let name: String = r.text16().chars().take(64).collect();
                    r.u8();
                    events.push(Event::Row {
                        line,
                        index,
                        status: status(model, code, arg),
                        coverage: has_cov.then_some(cov),
                        values,
                        id,
                        name,
                    });
                }
                3 => {
                    r.u8();
                    let line = r.u64();
                    r.u32();
                    let n = usize::from(r.u8());
                    r.take(n);
                    events.push(Event::Fatal { line });
                }
                4 => {
                    r.u64();
                }
                k => panic!("unknown item {k}"),
            }
        }
    };
    let mut rest = input;
    let mut sizes = chunks.iter().copied().cycle();
    // The page's first chunk is the start of the file (64 KiB): it holds a byte order mark.
    let mut first = true;
    while !rest.is_empty() {
        let size = if first {
            rest.len().min(64)
        } else {
            sizes.next().unwrap_or(7).max(1)
        };
        first = false;
        let mut chunk = &rest[..size.min(rest.len())];
        rest = &rest[chunk.len()..];
        while !chunk.is_empty() {
            let mut out = Out::new(&mut buf);
            let used = p.feed(model, chunk, &mut out);
            decode(out.as_bytes(), &mut events);
            chunk = &chunk[used..];
        }
    }
    loop {
        let mut out = Out::new(&mut buf);
        let done = p.finish(model, &mut out);
        decode(out.as_bytes(), &mut events);
        if done {
            break;
        }
    }
    events
}

fn check(input: &[u8], chunks: &[usize]) {
    let m = &BRI_CULTURAL_V1;
    let host = host_events(m, input);
    let kiosk = kiosk_events(m, input, chunks);
    assert_eq!(kiosk, host, "input {:?}", String::from_utf8_lossy(input));
}

#[test]
fn the_conformance_records_read_alike() {
    let csv = include_bytes!("../../tests/vectors/default_records.csv");
    // the vectors have more columns than the small limits here: use a wide reader
    let m = &BRI_CULTURAL_V1;
    let mut p: Box<Portfolio<4096, 64>> = Box::default();
    p.reset();
    let mut buf = vec![0u8; 1 << 16];
    let mut out = Out::new(&mut buf);
    assert_eq!(p.feed(m, csv, &mut out), csv.len());
    assert!(p.finish(m, &mut out));
    let rows = RecordsReader::from_reader(&csv[..], "d.csv", m)
        .unwrap()
        .count();
    // every row item starts with kind 2; count them by walking the items is done by the
    // property test; here the end item carries the row count
    let b = out.as_bytes();
    assert_eq!(b[b.len() - 9], 4);
    let n = u64::from_le_bytes(b[b.len() - 8..].try_into().unwrap());
    assert_eq!(n as usize, rows);
}

#[test]
fn edge_cases_read_alike() {
    let cases: &[&[u8]] = &[
        b"",
        b"\n\n",
        b"\xEF\xBB\xBFid,talent_exchange\n1,5\n",
        b"id,name\n1,\"quoted, name\"\n2,x\r\n\r\n3,\"a\"\"b\"tail\n",
        b"name,talent_exchange\n1,2\n",
        b"id,id\n",
        b"id,\xFF\n",
        b"id,talent_exchange,talent_exchange\n",
        b"id,talent_exchange\n1,2,3\n4\n x ,5\n6, nan \n7,1e40\n8,\n9,1_000\n",
        b"id,talent_exchange\n1,\"unclosed\n",
        b"id\n1\0\n",
        b"a,b,c,d,e,f,g,h,i\n",
        b"id,name\n1,\"a very long name that goes on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on\"\n",
        b"id\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n1\n",
        b"id,heritage_items,stability_risk,jobs_created\r1,40,0,20000\r2,,,\r3,-1,11,1e9",
    ];
    for c in cases {
        for chunks in [&[1usize][..], &[2, 3], &[1000]] {
            check(c, chunks);
        }
    }
}

fn token() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b"id"[..],
        b"name",
        b"talent_exchange",
        b"heritage_items",
        b"stability_risk",
        b"cost_per_visitor",
        b"jobs_created",
        b"note",
        b",",
        b",",
        b",",
        b"\n",
        b"\n",
        b"\r\n",
        b"\r",
        b"\"",
        b"\"\"",
        b" ",
        b"1",
        b"42",
        b"-3.5",
        b"1e3",
        b"nan",
        b"inf",
        b"1_0",
        b"x",
        b"\xEF\xBB\xBF",
        b"\xC3\xA9",
        b"\xFF",
        b"\0",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_files_read_alike(
        head in prop::sample::select(vec![
            &b"id,name,talent_exchange,heritage_items,stability_risk\n"[..],
            b"talent_exchange,id,cost_per_visitor\r\n",
            b"",
        ]),
        body in prop::collection::vec(token(), 0..80),
        chunks in prop::collection::vec(1usize..20, 1..5),
    ) {
        let mut input = head.to_vec();
        for t in body {
            input.extend_from_slice(t);
        }
        check(&input, &chunks);
    }
}
