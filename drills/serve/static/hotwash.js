"use strict";
// The hot wash on a participant's page: shown when the drill ends; three answers sent to the
// server (sent again, they replace the earlier ones). What was typed stays if sending fails.

let hotwashSent = false;

function hotwashShow(ended) {
  const box = document.getElementById("hotwash");
  if (!box || !ended || !box.hidden) return;
  box.hidden = false;
  if (!hotwashSent) box.scrollIntoView({behavior: "smooth"});
}

document.getElementById("hotwash-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const page = pageData();
  const form = new FormData(e.target);
  const answers = {well: form.get("well"), improve: form.get("improve"), change: form.get("change")};
  try {
    await api("POST", `/api/drills/${page.drill}/hotwash`, answers, {"X-Join-Code": page.code});
    hotwashSent = true;
    notice(w("Thank you: your answers are in the report."));
  } catch (err) { notice(w("Not sent: {error}", {error: err.message}), "error"); }
});
