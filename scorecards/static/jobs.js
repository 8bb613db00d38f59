// Watch a job in preparation and show the result as soon as it is there.
// Without scripts, the page's "Check again" link does the same by hand.
(() => {
  const box = document.querySelector("[data-job-status]");
  if (!box) return;
  const check = async () => {
    try {
      const answer = await fetch(box.dataset.jobStatus, {headers: {Accept: "application/json"}});
      if (answer.ok && (await answer.json()).finished) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A dropped connection: try again at the next tick.
    }
    setTimeout(check, 2000);
  };
  setTimeout(check, 1000);
})();
