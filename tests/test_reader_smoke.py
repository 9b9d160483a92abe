"""The built story in Chromium: charts go live and follow the steps."""


def test_scrolling_moves_the_chart_to_each_steps_state(basic_site, static_server, page):
    page.goto(static_server(basic_site))
    steps = page.locator(".scrolly .step")
    steps.nth(2).scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_function("window.scrolly && window.scrolly.views.dots !== undefined", timeout=15000)
    page.wait_for_function("window.scrolly.views.dots.signal('focus') === 'c'", timeout=5000)
    assert page.locator(".scrolly .step").nth(2).get_attribute("aria-current") == "step"
    steps.nth(0).evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - innerHeight / 2 + 2)")
    page.wait_for_function("window.scrolly.views.dots.signal('focus') === 'b'", timeout=5000)
