// The status page's one stylesheet, served as /assets/status.css so the CSP can forbid inline styles.
// Phone first: system fonts, big type, high contrast, and states told apart by icon, words and
// pattern as well as colour. Pure data.
export const STATUS_CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:#111;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;font-size:1.125rem;line-height:1.5}
a{color:#0a3d8f;text-underline-offset:.15em}
a:focus-visible{outline:3px solid #0a3d8f;outline-offset:2px}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem 1rem;padding:.75rem 1rem;border-bottom:1px solid #bbb}
.office{margin:0;font-size:1.05rem;font-weight:700;line-height:1.3}
.lang{font-weight:600;white-space:nowrap;padding:.25rem 0}
main{max-width:40rem;margin:0 auto;padding:1rem 1rem 2rem}
.gate{margin:0 0 1.5rem;padding:1.25rem 1rem 1.5rem;border:6px solid;border-radius:14px;text-align:center}
.gate-allowed{border-color:#0f6b2c;background:#e6f4ea;color:#0a3d1a}
.gate-halted{border-color:#a30d0d;border-style:double;border-width:9px;color:#5c0606;background:#fde8e8 repeating-linear-gradient(135deg,transparent 0 18px,rgba(163,13,13,.07) 18px 36px)}
.icon{display:inline-block;width:4.5rem;height:4.5rem;margin:0 auto .5rem;border-radius:50%;font-size:3rem;line-height:4.5rem;font-weight:800;color:#fff}
.gate-allowed .icon{background:#0f6b2c}
.gate-halted .icon{background:#a30d0d;border-radius:10px}
h1{margin:0;font-size:clamp(1.9rem,8.5vw,3rem);line-height:1.12;font-weight:800;letter-spacing:.01em;overflow-wrap:anywhere}
.since{margin:.75rem 0 0;font-size:1.35rem;font-weight:700}
.sub{margin:.5rem 0 0;font-size:1.15rem}
.reason{margin:0 0 1.5rem;font-size:1.3rem}
.reason h2,.notice h2{margin:0 0 .25rem;font-size:1rem;text-transform:uppercase;letter-spacing:.06em;color:#333}
.reason ul{margin:0;padding-left:1.25rem}
.reason li{font-weight:700}
.reopen{margin:0 0 1.5rem;padding:.75rem 1rem;border-left:6px solid #0f6b2c;background:#f1f8f3;font-size:1.2rem;font-weight:700}
.buffering{margin:0 0 1.5rem;padding:.75rem 1rem;border-left:6px solid #8a5a00;background:#fff6e0;font-size:1.2rem;font-weight:700}
.notice{margin:0 0 1.5rem;padding:.75rem 1rem;border:2px solid #333;border-radius:10px;background:#fffbe6}
.notice p{margin:0 0 .5rem}
.notice p:last-child{margin:0}
.notice-text+.notice-text{margin-top:.75rem;padding-top:.75rem;border-top:1px solid #999}
.meta{margin:0 0 .25rem;color:#333;font-size:1rem}
.feed{margin:1rem 0 0;font-size:1rem}
`;
