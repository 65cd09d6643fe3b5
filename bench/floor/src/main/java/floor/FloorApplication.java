package floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The bench's start-up floor: the least a Spring Boot web application with Thymeleaf pages starts. */
@SpringBootApplication
public class FloorApplication {

	public static void main(String[] args) {
		SpringApplication.run(FloorApplication.class, args);
	}

	@Controller
	static class HomeController {

		@GetMapping("/")
		String home(Model model) {
			model.addAttribute("message", "up");
			return "home";
		}

	}

}
