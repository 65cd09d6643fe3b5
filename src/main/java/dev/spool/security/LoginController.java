package dev.spool.security;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard's login page, shown when {@code spool.api-token} is set. */
@Controller
class LoginController {

	@GetMapping("/login")
	String login() {
		return "login";
	}

}
