"""The demo behind scripts/demo: start the stack, feed alerts, say where to look."""

import argparse
import datetime as dt
import os
import signal
import sys
import time

import stack as st
from site_nginx import Nginx

# Where the demo's screen stands (config/site/locations.tsv): its QR code leads to that
# location's page of what it shows, nearest facilities first.
DEMO_SCREEN_LOCATION = "hamamatsucho"

# Residents by town block, so that the adapters target as in production: LINE multicasts
# and mails only to the blocks an alert names, everyone for the whole ward.
DEMO_LINE_SUBSCRIBERS = """user_id,language,areas
U000000000000000000000000000a0001,ja,shibaura-1 shibaura-2
U000000000000000000000000000a0002,en,shibaura-4
U000000000000000000000000000a0003,zh-Hans,daiba-1
"""
DEMO_MAIL_SUBSCRIBERS = """email,areas,language,confirmed_at,state
shibaura-resident@example.jp,shibaura-4,ja,2026-01-05T09:00:00+09:00,
daiba-resident@example.jp,daiba-1,en,2026-01-05T09:00:00+09:00,
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="folder with the built binaries")
    parser.add_argument("--workdir", help="where configs, logs, mail and screenshots go")
    parser.add_argument("--headless", action="store_true",
                        help="never open a window, even when a display exists")
    parser.add_argument("--no-wait", action="store_true", help="stop after feeding (for CI)")
    args = parser.parse_args()

    headless = args.headless or not os.environ.get("DISPLAY")
    # Absolute, as the hub's console runs signage-player from its own config folder.
    stack = st.Stack(workdir=args.workdir, binaries=os.path.abspath(args.bin), headless=headless,
                     console=True,
                     subscribers={"line": DEMO_LINE_SUBSCRIBERS, "mail": DEMO_MAIL_SUBSCRIBERS},
                     site_location=DEMO_SCREEN_LOCATION)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Starting Mosquitto, hub (with its staff console), LINE and mail adapters and a "
          f"{'headless ' if headless else ''}player in {stack.workdir} ...")
    stack.start()
    # The public site the hub renders, served as production serves it (config/nginx/site.conf).
    site = Nginx(stack.workdir / "nginx", stack.site_dir / "current", port=stack.site_port).start()

    thunderstorm = st.SHARED_FIXTURES / "cap" / "spec" / "Oasis_ThunderstormWarning.xml"
    print(f"Feeding a real CAP alert ({thunderstorm.name}, its times moved to now) "
          "into the hub's spool folder ...")
    stack.drop(st.replay_fixture(thunderstorm), "thunderstorm.xml")
    st.wait_for(lambda: stack.acks(), 10)
    minato = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"
    print(f"Posting a Japanese evacuation order for 港区 ({minato.name}) to the ingest API ...")
    status, body = stack.post(st.replay_fixture(minato).encode("utf-8"))
    print(f"  hub answered {status} {body}")
    st.wait_for(lambda: stack.screen().get("alert_id") == body.get("alert_id")
                and len(stack.mails()) >= 2 and len(stack.line_requests()) >= 2, 10)
    # A real JMA telegram keeps its own times: the hub holds telegrams older than [jma]
    # max_age_s, so the demo says explicitly that it is a replay, and the hub marks it so.
    quake = st.SHARED_FIXTURES / "jma" / "earthquake" / "32-35_01_01_100806_VXSE51.xml"
    print(f"Replaying a real JMA 震度速報 of 2010 ({quake.name}; 東京都２３区 震度4) as a "
          "deliberate replay (X-Alerthub-Replay: demo) ...")
    status, body = stack.post(quake.read_bytes(), replay="demo")
    print(f"  hub answered {status} {body}")
    quake_alert = st.wait_for(lambda: stack.alert(body.get("alert_id")), 10)
    if quake_alert:
        print(f"  published as 「{quake_alert['headline'].get('ja', '')}」")
    else:
        print("  not published (hubctl routing says why)")

    print("\nWhere to look:")
    print(f"  screen      {stack.screenshot()}  (now showing: {stack.screen()})")
    for mail in stack.mails():
        print(f"  mail        {mail['subject']}  -> {mail['to']}")
    print(f"  mailbox     {stack.maildir / 'new'}")
    for req in stack.line_requests():
        message = req["body"]["messages"][0] if req.get("body") else {}
        text = (message.get("text") or message.get("altText") or "").splitlines()[:1]
        text = f"{message.get('type', '')}: {text[0]}" if text else ""
        print(f"  LINE        {req['method']} {req['path']} -> {req['status']}  {text}")
    print(f"  violations  {len(stack.line_violations())} LINE requests off the OpenAPI spec")
    print(f"  LINE log    curl -s http://127.0.0.1:{stack.line_port}/__standin/requests"
          "  (every request the LINE stand-in took, as JSON, at any time)")
    print("  residents   LINE: 芝浦一・二丁目 (ja), 芝浦四丁目 (en), 台場一丁目 (zh-Hans); mail: "
          "芝浦四丁目, 台場一丁目: a notice for blocks reaches only their residents")
    print(f"  acks        {[(a['alert_id'], a['version']) for a in stack.acks()]}")
    print(f"  logs        {stack.logs}")
    print(f"  ingest API  curl -H 'Authorization: Bearer {st.INGEST_TOKEN}' "
          f"--data-binary @FILE http://127.0.0.1:{stack.hub_port}/api/v1/ingest/cap")
    print(f"  spool       {stack.spool / 'incoming'}  (drop CAP files here)")
    print(f"  replays     {stack.spool / 'replay'}  (old documents sent on purpose, marked 【再送】;"
          " or the header X-Alerthub-Replay: REASON)")
    print(f"  console     {stack.console_url}  (draft as the operator, approve as the approver)")
    for name, (role, password) in stack.console_users.items():
        print(f"    {role:<9} {name} / {password}")
    print(f"  public site {site.url()}  (the screen's QR code: its page for {DEMO_SCREEN_LOCATION};"
          f" files in {stack.site_dir / 'current'})")
    if args.no_wait:
        site.stop()
        stack.stop()
        return
    print("\nRunning. Ctrl-C stops everything.")
    try:
        while all(p.poll() is None for p in stack.procs.values()):
            time.sleep(0.5)
        print("a process exited; stopping", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
        stack.stop()
        print("Stopped.")


if __name__ == "__main__":
    main()
