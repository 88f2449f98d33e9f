// The few lines of JavaScript the pages need beyond htmx: the signature pad, the 本人述职 counter, upload progress,
// and what used to be inline handlers (the Content-Security-Policy allows no inline script): data-confirm asks before
// a button or form submits (after a needed reason, data-needs-reason), data-print prints, data-preview makes an
// attachment's preview when it is opened, data-reload-image draws a new 图形验证码.
(function () {
  "use strict";
  function signaturePad(canvas) {
    var ctx = canvas.getContext("2d"), drawing = false, inked = false;
    ctx.lineWidth = 4; ctx.lineCap = ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    function at(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); inked = true; e.preventDefault();
    });
    ["pointerup", "pointercancel"].forEach(function (t) { canvas.addEventListener(t, function () { drawing = false; }); });
    document.getElementById("signature-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); inked = false;
    });
    document.getElementById("sign-form").addEventListener("submit", function () {
      document.getElementById("signature-data").value = inked ? canvas.toDataURL("image/png") : "";
    });
  }
  function counters(root) {
    root.querySelectorAll("[data-counter-for]").forEach(function (out) {
      var field = document.getElementById(out.getAttribute("data-counter-for"));
      if (!field) return;
      var limit = +field.getAttribute("data-count-limit");
      function update() {
        var n = field.value.replace(/\s/g, "").length;
        out.textContent = "已输入 " + n + " / " + limit + " 字";
        out.className = "counter" + (n > limit ? " over" : "");
      }
      field.addEventListener("input", update); update();
    });
  }
  function ready() {
    var pad = document.getElementById("signature-pad");
    if (pad) signaturePad(pad);
    counters(document);
  }
  document.addEventListener("DOMContentLoaded", ready);
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-print]")) window.print();
    var reload = e.target.closest("[data-reload-image]");
    if (reload) {
      var image = document.getElementById(reload.getAttribute("data-reload-image"));
      image.src = image.src.split("?")[0] + "?" + Date.now();
    }
  }, true);
  // A button with data-needs-reason (退回, 不通过) with the form's reason box empty: the box says so and takes the
  // focus, and nothing is sent (the server refuses too). Only then does data-confirm (on the button that submits, or
  // on the form) ask.
  function stop(e) { e.preventDefault(); e.stopImmediatePropagation(); }
  function missingReason(form, button) {
    var box = form.querySelector("[data-reason-box]");
    if (!box || !button.hasAttribute("data-needs-reason")) return false;
    var field = box.querySelector("textarea"), hint = box.querySelector("[data-reason-hint]");
    if (field.value.trim()) return false;
    var name = button.textContent.trim();
    hint.textContent = name + "必须填写理由：请在上面填写理由，再点击“" + name + "”。";
    hint.hidden = false;
    box.classList.add("has-error");
    field.focus();
    return true;
  }
  document.addEventListener("submit", function (e) {
    var form = e.target, button = e.submitter;
    if (button && missingReason(form, button)) { stop(e); return; }
    var asker = button && button.hasAttribute("data-confirm") ? button : form;
    if (asker.hasAttribute("data-confirm") && !window.confirm(asker.getAttribute("data-confirm"))) stop(e);
  }, true);
  // 预览 of an attachment: the image or the PDF frame is made the first time its <details> opens, so a page with many
  // attachments loads none of them until asked.
  document.addEventListener("toggle", function (e) {
    var details = e.target;
    if (!details.open || !details.hasAttribute || !details.hasAttribute("data-preview") || details.querySelector(".preview")) return;
    var image = details.getAttribute("data-preview") === "image", view = document.createElement(image ? "img" : "iframe");
    view.className = "preview";
    view.src = details.getAttribute("data-preview-src");
    view[image ? "alt" : "title"] = details.getAttribute("data-preview-title");
    details.appendChild(view);
  }, true);
  document.addEventListener("htmx:afterSwap", function (e) { counters(e.detail.target); });
  document.addEventListener("htmx:xhr:progress", function (e) {
    var bar = e.target.querySelector && e.target.querySelector("progress.upload");
    if (bar && e.detail.lengthComputable) { bar.hidden = false; bar.value = Math.round(e.detail.loaded * 100 / e.detail.total); }
  });
})();
