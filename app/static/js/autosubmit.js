/* Posts every form marked data-autosubmit as soon as the page is read (its button stays for browsers without script). */
(function () {
  "use strict";
  function submitMarked() {
    var forms = document.querySelectorAll("form[data-autosubmit]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].submit();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", submitMarked);
  } else {
    submitMarked();
  }
})();
